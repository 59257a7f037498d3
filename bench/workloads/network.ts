// 12. Networking: HTTP throughput and connection rate through a published port on 127.0.0.1, busybox httpd in a
// container on each engine's default bridge. Both engines get a daemon of their own with bridge and iptables on
// (the bench's main daemons run without), each with its own bridge and subnet; Docker's rules are removed and
// the host's FORWARD policy restored afterwards. Docker serves loopback ports through docker-proxy (its
// default userland proxy); berth through DNAT rules alone.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec } from '../lib/exec.js';
import { fetchBytes, freePort, waitForHttp } from '../lib/http.js';
import { iptablesSnapshot, restoreIptables } from '../lib/iptables.js';
import { alternate, type Outcome } from '../lib/runner.js';
import { startBerthd } from '../engines/berthd.js';
import { startDockerd } from '../engines/dockerd.js';
import type { Engine } from '../engines/engine.js';
import { BUSYBOX, containerId, docker } from './cli.js';
import type { Row, Workload } from './workload.js';
import { PORTS, publishedPortsRows } from './published-ports.js';

const BIG = 64 * 1024 * 1024;
const CONNECTIONS = 200;

interface Served {
  engine: Engine;
  url: string;
}

async function serve(engine: Engine, busyboxTar: string, www: string): Promise<Served> {
  await docker(engine, ['load', '-i', busyboxTar], { timeoutMs: 120_000 });
  const port = await freePort();
  containerId(
    await docker(engine, [
      'run',
      '-d',
      '-p',
      `127.0.0.1:${port}:80`,
      '-v',
      `${www}:/www:ro`,
      BUSYBOX,
      'httpd',
      '-f',
      '-p',
      '80',
      '-h',
      '/www',
    ]),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/small`);
  return { engine, url };
}

const median = (o: Outcome): number | undefined => {
  if (o.kind !== 'measured' || o.samples.length === 0) return undefined;
  const s = [...o.samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

export const network: Workload = {
  id: 'network',
  title: '12. Networking: published port on 127.0.0.1',
  notes: [
    `Each engine runs a daemon of its own for this workload with its default bridge on (berth: its own bridge and subnet, iptables on; dockerd: a bridge made for it, iptables and its default userland proxy on). busybox httpd in a container publishes port 80 on 127.0.0.1.`,
    `Throughput: one GET of a ${BIG / 1024 / 1024} MiB file; connection rate: ${CONNECTIONS} sequential GETs of a 5-byte file, each on a new TCP connection.`,
    'Docker forwards a loopback-published port through docker-proxy (a process per port); berth through DNAT rules alone (route_localnet on its bridge).',
    `${PORTS} published ports: \`run -d\` of \`busybox sleep 3600\` with ${PORTS} \`-p 127.0.0.1:PORT:N\` (checked with \`docker port\`), and the PSS the engine's processes (daemon, supervisors, docker-proxy) gain while it runs.`,
  ],
  async run({ engines, images, repoRoot, scratch, quick, signal, log }) {
    const www = join(scratch, 'www');
    await mkdir(www, { recursive: true });
    await writeFile(join(www, 'big'), Buffer.alloc(BIG, 7));
    await writeFile(join(www, 'small'), 'small');
    const octet = 100 + Math.floor(Math.random() * 100);
    const tag = Math.floor(Math.random() * 0xffff)
      .toString(16)
      .padStart(4, '0');
    const dockerBridge = `bbdk${tag}`;
    const before = await iptablesSnapshot();
    const work = join(engines.berth.workDir, '..', 'net');
    // berthd names its chains BERTH-<first 8 hex of sha256(exec root)> (daemon/config.ts).
    const berthChains = `BERTH-${createHash('sha256')
      .update(join(work, 'berth', 'exec'))
      .digest('hex')
      .slice(0, 8)}`;
    const ours = (line: string): boolean =>
      [/\bDOCKER/, new RegExp(`\\b(bbdk|bbrt)${tag}\\b`), new RegExp(`\\b10\\.${octet}\\.`)].some((re) =>
        re.test(line),
      ) || line.includes(berthChains);
    let berth: Engine | undefined;
    let dockerEngine: Engine | undefined;
    try {
      await exec('ip', ['link', 'add', dockerBridge, 'type', 'bridge']);
      await exec('ip', ['addr', 'add', `10.${octet}.2.1/24`, 'dev', dockerBridge]);
      await exec('ip', ['link', 'set', dockerBridge, 'up']);
      log('  starting a berthd and a dockerd with bridges on');
      berth = await startBerthd(repoRoot, join(work, 'berth'), engines.berth.label, signal, [
        `--bridge=bbrt${tag}`,
        `--bip=10.${octet}.1.1/24`,
        `--default-address-pool=base=10.${octet}.128.0/17,size=24`,
      ]);
      dockerEngine = await startDockerd(join(work, 'docker'), engines.docker.label, signal, [
        `--bridge=${dockerBridge}`,
        '--iptables=true',
        '--ip-masq=true',
      ]);
      const served = {
        berth: await serve(berth, images.busyboxTar, www),
        docker: await serve(dockerEngine, images.busyboxTar, www),
      };
      const big = (side: 'berth' | 'docker') => async (): Promise<number> => {
        const t0 = performance.now();
        const bytes = await fetchBytes(`${served[side].url}/big`);
        if (bytes !== BIG) throw new Error(`GET /big returned ${bytes} bytes, expected ${BIG}`);
        return performance.now() - t0;
      };
      const connect = (side: 'berth' | 'docker') => async (): Promise<number> => {
        const t0 = performance.now();
        for (let i = 0; i < CONNECTIONS; i++)
          if ((await fetchBytes(`${served[side].url}/small`)) !== 5)
            throw new Error('GET /small returned the wrong size');
        return performance.now() - t0;
      };
      const throughput = await alternate(
        { berth: big('berth'), docker: big('docker') },
        { warmup: 1, n: quick.n, signal },
      );
      const rate = await alternate(
        { berth: connect('berth'), docker: connect('docker') },
        { warmup: 1, n: Math.max(3, Math.floor(quick.n / 2)), signal },
      );
      const mbps = (o: Outcome): string => (median(o) ? `${(BIG / 1e6 / (median(o)! / 1000)).toFixed(0)} MB/s` : '–');
      const cps = (o: Outcome): string =>
        median(o) ? `${(CONNECTIONS / (median(o)! / 1000)).toFixed(0)} conn/s` : '–';
      const rows: Row[] = [
        {
          id: 'net-throughput',
          metric: `GET of ${BIG / 1024 / 1024} MiB through \`-p 127.0.0.1:PORT:80\``,
          unit: 'ms',
          ...throughput,
          target: 1,
          note: `berth ${mbps(throughput.berth)}, docker ${mbps(throughput.docker)}`,
        },
        {
          id: 'net-connections',
          metric: `${CONNECTIONS} new connections, one GET each, through \`-p 127.0.0.1:PORT:80\``,
          unit: 'ms',
          ...rate,
          target: 1,
          note: `berth ${cps(rate.berth)}, docker ${cps(rate.docker)}`,
        },
      ];
      const hostPorts = async (): Promise<number[]> => {
        const ports = new Set<number>();
        while (ports.size < PORTS) ports.add(await freePort());
        return [...ports];
      };
      log(`  a container with ${PORTS} published ports`);
      const networkEngines = { berth: served.berth.engine, docker: served.docker.engine };
      const ports = { berth: await hostPorts(), docker: await hostPorts() };
      rows.push(
        ...(await publishedPortsRows(
          networkEngines,
          ports,
          { warmup: 1, n: Math.max(3, Math.floor(quick.n / 2)) },
          signal,
        )),
      );
      return rows;
    } finally {
      await berth?.stop().catch((e: unknown) => log(`  berthd stop: ${(e as Error).message}`));
      await dockerEngine?.stop().catch((e: unknown) => log(`  dockerd stop: ${(e as Error).message}`));
      await exec('ip', ['link', 'del', dockerBridge]).catch(() => undefined);
      await exec('ip', ['link', 'del', `bbrt${tag}`]).catch(() => undefined);
      await restoreIptables(before, ours);
    }
  },
};
