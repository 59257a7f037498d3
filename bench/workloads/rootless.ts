// 21. Rootless berthd against rootful berthd: `run --rm true` and a 64 MiB GET through a port published on
// 127.0.0.1. A user of the workload's own making (test/helpers/rootless.ts, as the e2e tests) starts berthd with
// no flags: it runs in rootlesskit's namespaces, containers on its default bridge there, the port forwarded by
// rootlesskit's builtin port driver. The rootful berthd is one of this workload's own with its default bridge on
// (the bench's main berthd has none), so both sides create a veth and a network namespace per run.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, describeFailure, type ExecResult } from '../lib/exec.js';
import { fetchBytes, freePort, waitForHttp } from '../lib/http.js';
import { iptablesSnapshot, restoreIptables } from '../lib/iptables.js';
import { onCleanup } from '../lib/cleanup.js';
import { alternate, type Outcome } from '../lib/runner.js';
import { startBerthd } from '../engines/berthd.js';
import type { Engine } from '../engines/engine.js';
import {
  asUserArgv,
  createTestUser,
  ensureTunUsable,
  startRootlessDaemon,
  type RootlessDaemon,
  type TestUser,
} from '../../test/helpers/rootless.js';
import { BUSYBOX, docker } from './cli.js';
import type { Workload } from './workload.js';

const BIG = 64 * 1024 * 1024;

/** The docker CLI as the rootless daemon's user, checked as cli.ts's `docker`. */
async function dockerAsUser(
  user: TestUser,
  daemon: RootlessDaemon,
  args: string[],
  input?: Buffer,
): Promise<ExecResult> {
  const argv = asUserArgv(user, ['docker', ...args], { DOCKER_HOST: `unix://${daemon.socketPath}` });
  const result = await exec('setpriv', argv, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(describeFailure(`docker ${args[0] ?? ''} (rootless)`, result));
  return result;
}

/** httpd serving a BIG-byte file made inside the container (no bind: the rootless user owns nothing of ours). */
const SERVE = [
  BUSYBOX,
  'sh',
  '-c',
  `mkdir /www && head -c ${BIG} /dev/zero > /www/big && echo small > /www/small && exec httpd -f -p 80 -h /www`,
];

const median = (o: Outcome): number | undefined => {
  if (o.kind !== 'measured' || o.samples.length === 0) return undefined;
  const s = [...o.samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

export const rootlessWorkload: Workload = {
  id: 'rootless',
  title: '21. Rootless berthd (against rootful berthd)',
  notes: [
    'The Docker column is a rootful berthd of this workload (default bridge and iptables on); the berth column a berthd started by an ordinary user made for the run (rootlesskit with slirp4netns and its builtin port driver). Both use the default bridge.',
    'Rootless CLI calls go through `setpriv` to the user (one exec more, well under a millisecond). No target: the rows show what rootless costs.',
    `Transfer: one GET of a ${BIG / 1024 / 1024} MiB file from busybox httpd through \`-p 127.0.0.1:PORT:80\` (rootful: DNAT; rootless: rootlesskit's port driver copies the stream in its own process).`,
  ],
  async run({ engines, images, repoRoot, quick, signal, log }) {
    const octet = 100 + Math.floor(Math.random() * 100);
    const tag = Math.floor(Math.random() * 0xffff)
      .toString(16)
      .padStart(4, '0');
    const work = join(engines.berth.workDir, '..', 'rootless');
    const berthChains = `BERTH-${createHash('sha256')
      .update(join(work, 'berth', 'exec'))
      .digest('hex')
      .slice(0, 8)}`;
    const ours = (line: string): boolean =>
      new RegExp(`\\bbbrl${tag}\\b`).test(line) ||
      new RegExp(`\\b10\\.${octet}\\.`).test(line) ||
      line.includes(berthChains);
    const before = await iptablesSnapshot();
    let rootful: Engine | undefined;
    let user: TestUser | undefined;
    let rootless: RootlessDaemon | undefined;
    const unregister = onCleanup('rootless user', async () => {
      await rootless?.stop().catch(() => undefined);
      user?.remove();
    });
    try {
      log('  a user of its own and its rootless berthd; a rootful berthd with its bridge on');
      ensureTunUsable();
      user = createTestUser();
      user.addSubIds();
      rootless = await startRootlessDaemon(user, ['--log-level', 'info']);
      rootful = await startBerthd(repoRoot, join(work, 'berth'), engines.berth.label, signal, [
        `--bridge=bbrl${tag}`,
        `--bip=10.${octet}.1.1/24`,
        `--default-address-pool=base=10.${octet}.128.0/17,size=24`,
      ]);
      const [u, d, r] = [user, rootless, rootful];
      const busybox = await readFile(images.busyboxTar);
      await dockerAsUser(u, d, ['load'], busybox);
      await docker(r, ['load', '-i', images.busyboxTar], { timeoutMs: 120_000 });

      const runTrue = {
        berth: async () => (await dockerAsUser(u, d, ['run', '--rm', BUSYBOX, 'true'])).ms,
        docker: async () => (await docker(r, ['run', '--rm', BUSYBOX, 'true'])).ms,
      };
      const run = await alternate(runTrue, { ...quick, signal });

      const ports = { berth: await freePort(), docker: await freePort() };
      await dockerAsUser(u, d, ['run', '-d', '--name', 'served', '-p', `127.0.0.1:${ports.berth}:80`, ...SERVE]);
      await docker(r, ['run', '-d', '--name', 'served', '-p', `127.0.0.1:${ports.docker}:80`, ...SERVE]);
      const url = (side: 'berth' | 'docker'): string => `http://127.0.0.1:${ports[side]}`;
      await waitForHttp(`${url('berth')}/small`);
      await waitForHttp(`${url('docker')}/small`);
      const big = (side: 'berth' | 'docker') => async (): Promise<number> => {
        const t0 = performance.now();
        const bytes = await fetchBytes(`${url(side)}/big`);
        if (bytes !== BIG) throw new Error(`GET /big returned ${bytes} bytes, expected ${BIG}`);
        return performance.now() - t0;
      };
      const transfer = await alternate(
        { berth: big('berth'), docker: big('docker') },
        { warmup: 1, n: quick.n, signal },
      );
      const mbps = (o: Outcome): string => (median(o) ? `${(BIG / 1e6 / (median(o)! / 1000)).toFixed(0)} MB/s` : '–');
      await dockerAsUser(u, d, ['rm', '-f', 'served']);
      await docker(r, ['rm', '-f', 'served']);
      return [
        { id: 'rootless-run', metric: '`run --rm busybox true`, rootless / rootful', unit: 'ms', ...run },
        {
          id: 'rootless-port-transfer',
          metric: `GET of ${BIG / 1024 / 1024} MiB through \`-p 127.0.0.1:PORT:80\`, rootless / rootful`,
          unit: 'ms',
          ...transfer,
          note: `rootless ${mbps(transfer.berth)}, rootful ${mbps(transfer.docker)}`,
        },
      ];
    } finally {
      await rootful?.stop().catch((e: unknown) => log(`  rootful berthd stop: ${(e as Error).message}`));
      await exec('ip', ['link', 'del', `bbrl${tag}`]).catch(() => undefined);
      await restoreIptables(before, ours);
      // SIGTERM with no container left also ends rootlesskit; remove() kills whatever of the user's is left.
      await rootless?.stop().catch((e: unknown) => log(`  rootless berthd stop: ${(e as Error).message}`));
      user?.remove();
      unregister();
    }
  },
};
