// Registry server throughput: berth's registry (`berth registry serve`) against Debian's docker-registry
// (distribution 2.8), the same client (skopeo) against both, alternating, each sample on a fresh root and
// a fresh port (so nothing is already there and skopeo's blob cache offers no mounts).
// In the report, the "berth" column is berth's registry and the "Docker" column is docker-registry.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { onCleanup } from '../lib/cleanup.js';
import { exec, execOk } from '../lib/exec.js';
import type { Outcome } from '../lib/runner.js';
import { median } from '../lib/stats.js';
import type { Row, Workload } from './workload.js';

interface Server {
  addr: string;
  stop(): Promise<void>;
}

type Side = 'berth' | 'docker';
const SMALL_IMAGES = 10;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function stopper(child: ChildProcess, root: string): () => Promise<void> {
  const unregister = onCleanup(`registry ${child.pid}`, () => void child.kill('SIGKILL'));
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    unregister();
    await rm(root, { recursive: true, force: true });
  };
}

async function startBerthRegistry(repoRoot: string, root: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, 'bin/berth'),
      'registry',
      'serve',
      '--addr',
      '127.0.0.1:0',
      '--root',
      root,
      '--log-level',
      'warn',
      '--gc-interval',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const addr = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /listening on http:\/\/(\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`berth registry exited with ${code}`)));
  });
  return { addr, stop: stopper(child, root) };
}

async function startDistribution(root: string): Promise<Server> {
  const port = await freePort();
  await mkdir(root, { recursive: true });
  const config = join(root, 'config.yml');
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(root, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (log += c));
  const addr = `127.0.0.1:${port}`;
  // It logs nothing at level error when it is up: ask it until it answers.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log}`);
    const up = await fetch(`http://${addr}/v2/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 200) throw new Error(`docker-registry does not answer: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { addr, stop: stopper(child, root) };
}

const skopeo = async (args: string[]): Promise<number> =>
  (await execOk('skopeo', ['--insecure-policy', ...args], { timeoutMs: 600_000 })).ms;

interface Samples {
  push: number[];
  pull: number[];
  smallPush: number[];
  smallPull: number[];
}

export const registryServe: Workload = {
  id: 'registry-serve',
  title: "Registry server: berth's registry vs docker-registry (distribution)",
  notes: [
    '"berth" = `berth registry serve`, "Docker" = Debian\'s docker-registry 2.8 (distribution); the client is skopeo for both, from and to an OCI layout on local disk.',
    `Big: one image, one 100 MiB gzip layer of incompressible bytes. Small: ${SMALL_IMAGES} busybox images (one ~1 MiB layer each) into ${SMALL_IMAGES} repositories, one skopeo call each (request-bound).`,
  ],
  async run({ images, repoRoot, scratch, heavy, signal, log }) {
    if (!existsSync('/usr/bin/docker-registry') || !existsSync('/usr/bin/skopeo'))
      throw new Error('needs docker-registry and skopeo (scripts/setup.sh)');
    const work = join(scratch, 'registry-serve');
    const bigOci = join(work, 'big-oci');
    const smallOci = join(work, 'small-oci');
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    await skopeo(['copy', '-q', `docker-archive:${images.bigTar}`, `oci:${bigOci}:big`]);
    await skopeo(['copy', '-q', `docker-archive:${images.busyboxTar}`, `oci:${smallOci}:small`]);
    const samples: Record<Side, Samples> = {
      berth: { push: [], pull: [], smallPush: [], smallPull: [] },
      docker: { push: [], pull: [], smallPush: [], smallPull: [] },
    };
    const errors: Partial<Record<Side, string>> = {};

    const once_ = async (side: Side, i: number, keep: boolean): Promise<void> => {
      const root = join(work, `${side}-${i}`);
      const server = side === 'berth' ? await startBerthRegistry(repoRoot, root) : await startDistribution(root);
      try {
        const push = await skopeo([
          'copy',
          '-q',
          '--dest-tls-verify=false',
          `oci:${bigOci}:big`,
          `docker://${server.addr}/bench/big:v1`,
        ]);
        const pullDir = join(work, `${side}-pull-${i}`);
        const pull = await skopeo([
          'copy',
          '-q',
          '--src-tls-verify=false',
          `docker://${server.addr}/bench/big:v1`,
          `oci:${pullDir}:big`,
        ]);
        const pulledBytes = (await stat(join(pullDir, 'blobs', 'sha256'))).isDirectory();
        await rm(pullDir, { recursive: true, force: true });
        if (!pulledBytes) throw new Error('pull wrote no blobs');
        let smallPush = 0;
        let smallPull = 0;
        for (let k = 0; k < SMALL_IMAGES; k++)
          smallPush += await skopeo([
            'copy',
            '-q',
            '--dest-tls-verify=false',
            `oci:${smallOci}:small`,
            `docker://${server.addr}/bench/small${k}:v1`,
          ]);
        for (let k = 0; k < SMALL_IMAGES; k++) {
          const dir = join(work, `${side}-small-${k}`);
          smallPull += await skopeo([
            'copy',
            '-q',
            '--src-tls-verify=false',
            `docker://${server.addr}/bench/small${k}:v1`,
            `oci:${dir}:small`,
          ]);
          await rm(dir, { recursive: true, force: true });
        }
        if (keep) {
          samples[side].push.push(push);
          samples[side].pull.push(pull);
          samples[side].smallPush.push(smallPush);
          samples[side].smallPull.push(smallPull);
        }
      } finally {
        await server.stop();
      }
    };
    const step = async (side: Side, i: number, keep: boolean): Promise<void> => {
      if (errors[side]) return;
      signal.throwIfAborted();
      try {
        await once_(side, i, keep);
      } catch (err) {
        if (signal.aborted) throw err;
        errors[side] = (err as Error).message;
        log(`  ${side} failed: ${errors[side]}`);
      }
    };
    const n = Math.max(3, heavy.n);
    await step('berth', -1, false);
    await step('docker', -1, false);
    for (let i = 0; i < n; i++) {
      await step('berth', i, true);
      await step('docker', i, true);
    }
    await rm(work, { recursive: true, force: true });

    const outcome = (side: Side, key: keyof Samples): Outcome =>
      errors[side]
        ? { kind: 'failed', error: errors[side] as string }
        : { kind: 'measured', samples: samples[side][key] };
    const bigMiB = (await exec('du', ['-sm', images.bigTar])).stdout.split('\t')[0];
    const rate = (key: 'push' | 'pull'): string => {
      const mb = Number(bigMiB);
      const fmt = (s: Side) =>
        samples[s][key].length ? `${(mb / (median(samples[s][key]) / 1000)).toFixed(0)} MiB/s` : 'n/a';
      return `berth ${fmt('berth')}, docker-registry ${fmt('docker')}`;
    };
    const rows: Row[] = [
      {
        id: 'registry-push-big',
        metric: 'skopeo push of a 100 MiB image',
        unit: 'ms',
        berth: outcome('berth', 'push'),
        docker: outcome('docker', 'push'),
        target: 1,
        note: rate('push'),
      },
      {
        id: 'registry-pull-big',
        metric: 'skopeo pull of a 100 MiB image',
        unit: 'ms',
        berth: outcome('berth', 'pull'),
        docker: outcome('docker', 'pull'),
        target: 1,
        note: rate('pull'),
      },
      {
        id: 'registry-push-small',
        metric: `skopeo push of ${SMALL_IMAGES} busybox images`,
        unit: 'ms',
        berth: outcome('berth', 'smallPush'),
        docker: outcome('docker', 'smallPush'),
        target: 1,
      },
      {
        id: 'registry-pull-small',
        metric: `skopeo pull of ${SMALL_IMAGES} busybox images`,
        unit: 'ms',
        berth: outcome('berth', 'smallPull'),
        docker: outcome('docker', 'smallPull'),
        target: 1,
      },
    ];
    return rows;
  },
};
