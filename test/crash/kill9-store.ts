// kill -9 of berthd at random points of create, start, run --rm, run -d, rm -f, rm -f -v, an AutoRemove container's
// run (its anonymous volume to go), a pull from a loopback registry, a classic build and a volume create; after each
// crash berthd starts again on the same roots and the store must be whole: no anonymous volume is left that no
// container names (a create or a removal the crash cut off took its own); every container listed inspects, starts
// and is removed, leaving no layer, directory, runtime state, cgroup, conmon or mount; the anonymous volumes of
// `rm -v` and AutoRemove containers are gone once their containers are (whether the crash cut the removal or not),
// named volumes stay; every image listed inspects and runs; every volume inspects and is removed. At the end
// everything is removed, berthd stops and nothing is mounted below its roots.
//
// A round is one operation and one kill, at a uniform random delay after the operation's first request reached the
// daemon's socket, within the time the operation took unkilled from there (each runs once unkilled first, which
// measures it). Not part of CI (not a *.test.ts: 15-20 s a round at load 25-40, 2 cores); run it by hand:
//   CRASH_ROUNDS=40 CRASH_SEED=42 node --import tsx --test test/crash/kill9-store.ts
// CRASH_ROUNDS defaults to one round per operation; CRASH_OPS=pull,build limits the operations; a failure names the
// seed and the rounds so far (operation@delay), which replay the order and delays, not the daemon's own timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer, type Server } from 'node:net';
import { apiRequest, isRoot, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { docker, type RunResult } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
import { startRegistryProcess, type TestRegistry } from '../helpers/registry.js';
import { containerCgroupDir } from '../helpers/cgroup.js';

const skip = !isRoot() && 'needs root';

/** mulberry32: a small seeded generator, so a failing run's order and delays can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A unix socket in front of the daemon's (the clients talk to it): it tells when a request whose first line matches
 * arrives, so that a kill is timed from the daemon's side of the operation (the CLI's own start, 50-300 ms under
 * load, is no part of it). Each connection is relayed to the daemon socket as it is then, so it outlives restarts.
 */
class RequestTap {
  private readonly server: Server;
  private armed: { pattern: RegExp; seen: () => void } | undefined;

  constructor(
    readonly path: string,
    target: () => string,
  ) {
    this.server = createServer((client) => {
      const upstream = connect(target());
      let first = true;
      client.on('data', (chunk: Buffer) => {
        if (first || chunk.length < 4096) this.look(chunk.subarray(0, 512).toString('latin1'));
        first = false;
      });
      client.pipe(upstream).pipe(client);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.path, resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves when the next request whose request line matches `pattern` reaches the daemon. */
  next(pattern: RegExp): Promise<void> {
    return new Promise((resolve) => (this.armed = { pattern, seen: resolve }));
  }

  private look(head: string): void {
    const line = /^[A-Z]+ \S+/.exec(head)?.[0];
    if (!line || !this.armed?.pattern.test(line)) return;
    const { seen } = this.armed;
    this.armed = undefined;
    seen();
  }
}

interface Context {
  daemon: TestDaemon;
  registry: TestRegistry;
  tap: RequestTap;
  round: number;
  /** Volumes that must be gone once the round's containers are removed (anonymous ones of rm -v, AutoRemove)... */
  volumesGone: string[];
  /** ...and those that must still be there then (named ones). */
  volumesKept: string[];
}

interface Operation {
  name: string;
  /** The request line (method and path, version prefix and all) from which the operation is timed. */
  request: RegExp;
  /** Made ready with the daemon up (not part of what is killed). */
  prepare?(ctx: Context): Promise<void>;
  /** What the kill lands in. */
  act(ctx: Context): Promise<RunResult>;
}

const ok = (r: RunResult, what: string): string => {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  return r.stdout.trim();
};
const d = (ctx: Context, args: string[], env: NodeJS.ProcessEnv = {}, input?: string) =>
  docker({ ...ctx.daemon.env, DOCKER_HOST: `unix://${ctx.tap.path}`, ...env }, args, {
    timeoutMs: 120_000,
    ...(input === undefined ? {} : { input }),
  });
/** The anonymous volume a container mounts on /anon. */
const anonymousOf = async (ctx: Context, name: string): Promise<string> =>
  ok(
    await d(ctx, [
      'inspect',
      '--format',
      '{{range .Mounts}}{{if eq .Destination "/anon"}}{{.Name}}{{end}}{{end}}',
      name,
    ]),
    `inspect ${name}`,
  );
const DOCKERFILE = 'FROM busybox\nARG N\nRUN echo $N > /n\n';
const pulled = (ctx: Context) => `${ctx.registry.addr}/crash/busybox:latest`;

const OPERATIONS: Operation[] = [
  {
    name: 'create',
    request: /^POST \S*\/containers\/create/,
    act: (ctx) => d(ctx, ['create', '-v', '/anon', 'busybox', 'sleep', '1000']),
  },
  {
    name: 'start',
    request: /^POST \S*\/containers\/[^/]+\/start/,
    async prepare(ctx) {
      ok(await d(ctx, ['create', '--name', `start-${ctx.round}`, 'busybox', 'sleep', '1000']), 'create');
    },
    act: (ctx) => d(ctx, ['start', `start-${ctx.round}`]),
  },
  {
    name: 'run-rm',
    request: /^POST \S*\/containers\/create/,
    act: (ctx) => d(ctx, ['run', '--rm', 'busybox', 'sh', '-c', 'echo x > /written']),
  },
  {
    name: 'run-d',
    request: /^POST \S*\/containers\/create/,
    act: (ctx) => d(ctx, ['run', '-d', 'busybox', 'sleep', '1000']),
  },
  {
    name: 'rm',
    request: /^DELETE \S*\/containers\//,
    async prepare(ctx) {
      ok(await d(ctx, ['run', '-d', '--name', `rm-${ctx.round}`, 'busybox', 'sleep', '1000']), 'run -d');
    },
    act: (ctx) => d(ctx, ['rm', '-f', `rm-${ctx.round}`]),
  },
  {
    name: 'rm-v',
    request: /^DELETE \S*\/containers\//,
    async prepare(ctx) {
      const name = `rmv-${ctx.round}`;
      ok(
        await d(ctx, [
          'run',
          '-d',
          '--name',
          name,
          '-v',
          '/anon',
          '-v',
          `keep-${ctx.round}:/keep`,
          'busybox',
          'sleep',
          '1000',
        ]),
        'run -d',
      );
      ctx.volumesGone.push(await anonymousOf(ctx, name));
      ctx.volumesKept.push(`keep-${ctx.round}`);
    },
    act: (ctx) => d(ctx, ['rm', '-f', '-v', `rmv-${ctx.round}`]),
  },
  {
    // docker run --rm -v /anon, in two steps so that the volume's name is known before the kill.
    name: 'run-rm-v',
    request: /^POST \S*\/containers\/[^/]+\/start/,
    async prepare(ctx) {
      const name = `rrv-${ctx.round}`;
      ok(
        await d(ctx, ['create', '--rm', '--name', name, '-v', '/anon', 'busybox', 'sh', '-c', 'echo x > /anon/f']),
        'create --rm',
      );
      ctx.volumesGone.push(await anonymousOf(ctx, name));
    },
    async act(ctx) {
      const name = `rrv-${ctx.round}`;
      const started = await d(ctx, ['start', '-a', name]);
      // Up to its removal (the window the volume goes in), as docker run --rm waits for it.
      await apiRequest(ctx.tap.path, `/containers/${name}/wait?condition=removed`, { method: 'POST' }).catch(
        () => undefined,
      );
      return started;
    },
  },
  {
    name: 'pull',
    request: /^POST \S*\/images\/create/,
    async prepare(ctx) {
      await d(ctx, ['rmi', pulled(ctx)]);
    },
    act: (ctx) => d(ctx, ['pull', '-q', pulled(ctx)]),
  },
  {
    name: 'build',
    request: /^POST \S*\/build/,
    act: (ctx) =>
      d(
        ctx,
        ['build', '-q', '-t', `crash-built:${ctx.round}`, '--build-arg', `N=${ctx.round}`, '-'],
        { DOCKER_BUILDKIT: '0' },
        DOCKERFILE,
      ),
  },
  {
    name: 'volume-create',
    request: /^POST \S*\/volumes\/create/,
    act: (ctx) => d(ctx, ['volume', 'create', `vol-${ctx.round}`]),
  },
];

/** Mount points below `dir` (the daemon's roots). */
const mountsBelow = (dir: string): string[] =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(`${dir}/`));

const listDir = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

const conmonsOf = (id: string): boolean =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .some((l) => l.includes('conmon') && l.includes(id));

/** `wait?condition=removed` of an AutoRemove container (404: already gone), failing after `ms`. */
async function removedBy(daemon: TestDaemon, id: string, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`AutoRemove container ${id} not removed within ${ms} ms`)), ms);
  });
  const wait = apiRequest(daemon.socketPath, `/containers/${id}/wait?condition=removed`, { method: 'POST' });
  try {
    const r = await Promise.race([wait, timeout]);
    assert.ok([200, 404].includes(r.status), `wait removed ${id}: ${r.status} ${r.body}`);
  } finally {
    clearTimeout(timer);
  }
}

interface SnapshotEntry {
  dir: string;
  kind: string;
}

/**
 * The store after a restart: what is listed works, and what is removed leaves nothing. Returns what it saw, for the
 * failure message.
 */
async function checkStore(ctx: Context, baseImages: Set<string>): Promise<void> {
  const { daemon } = ctx;
  // No anonymous volume that no container names: a create or a removal the crash cut off took its own with it.
  const dangling = ['volume', 'ls', '-q', '--filter', 'dangling=true', '--filter', 'label=com.docker.volume.anonymous'];
  assert.equal(ok(await d(ctx, dangling), 'volume ls dangling'), '', 'anonymous volumes no container names');
  const ids = ok(await d(ctx, ['ps', '-aq', '--no-trunc']), 'ps -a')
    .split('\n')
    .filter(Boolean);
  for (const id of ids) {
    const inspected = await apiRequest(daemon.socketPath, `/containers/${id}/json`);
    if (inspected.status === 404) {
      // Listed, then gone: only an AutoRemove container's removal at start may do that.
      continue;
    }
    assert.equal(inspected.status, 200, `inspect ${id}: ${inspected.body}`);
    const c = JSON.parse(inspected.body) as { HostConfig: { AutoRemove: boolean }; State: { Status: string } };
    // An AutoRemove container goes once it has run (one that exited while the daemon was down goes at start).
    if (!c.HostConfig.AutoRemove || c.State.Status === 'created')
      ok(await d(ctx, ['start', id]), `start ${id} (${c.State.Status})`);
    if (c.HostConfig.AutoRemove) await removedBy(daemon, id, 60_000);
    else ok(await d(ctx, ['rm', '-f', '-v', id]), `rm -f ${id}`);
  }
  assert.deepEqual(ok(await d(ctx, ['ps', '-aq']), 'ps -a'), '', 'every container removed');
  // rm -v and AutoRemove removals, cut by the crash or finished above, left none of their anonymous volumes.
  const listed = new Set(ok(await d(ctx, ['volume', 'ls', '-q']), 'volume ls').split('\n'));
  assert.deepEqual(
    ctx.volumesGone.filter((v) => listed.has(v)),
    [],
    'anonymous volumes of removed rm -v / AutoRemove containers',
  );
  assert.deepEqual(
    ctx.volumesKept.filter((v) => !listed.has(v)),
    [],
    'named volumes',
  );
  ctx.volumesGone = [];
  ctx.volumesKept = [];
  for (const id of ids) {
    const left: string[] = [];
    if (conmonsOf(id)) left.push('conmon');
    if (readFileSync('/proc/self/mountinfo', 'utf8').includes(id)) left.push('mount');
    for (const ctl of ['memory', 'pids']) if (existsSync(containerCgroupDir(id, ctl))) left.push(`cgroup:${ctl}`);
    if (existsSync(join(daemon.dataRoot, 'containers', id))) left.push('dir');
    assert.deepEqual(left, [], `container ${id} left traces`);
  }
  // No container directory, runtime state or runc state is left (a set-aside state dir may still be going).
  assert.deepEqual(
    listDir(join(daemon.dataRoot, 'containers')).filter((n) => /^[0-9a-f]{64}$/.test(n)),
    [],
    'container dirs',
  );
  assert.deepEqual(
    listDir(join(daemon.execRoot, 'runtime/containers')).filter((n) => !n.startsWith('.removed-')),
    [],
    'runtime state dirs',
  );
  assert.deepEqual(listDir(join(daemon.execRoot, 'runtime/runc')), [], 'runc state dirs');
  // No active snapshot (a container's layer) is left, and every snapshot directory is the table's.
  const table = JSON.parse(readFileSync(join(daemon.dataRoot, 'snapshots/snapshots.json'), 'utf8')) as Record<
    string,
    SnapshotEntry
  >;
  assert.deepEqual(
    Object.entries(table)
      .filter(([, e]) => e.kind !== 'committed')
      .map(([k]) => k),
    [],
    'active snapshots',
  );
  const dirs = new Set(Object.values(table).map((e) => e.dir));
  assert.deepEqual(
    listDir(join(daemon.dataRoot, 'snapshots/snapshots')).filter((n) => !dirs.has(n)),
    [],
    'snapshot dirs no entry names',
  );
  assert.deepEqual(listDir(join(daemon.dataRoot, 'content/ingest')), [], 'partial ingests');
  // Every image listed inspects and runs; what the round added goes again.
  const images = ok(await d(ctx, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']), 'images')
    .split('\n')
    .filter(Boolean);
  for (const line of images) {
    const [ref = '', id = ''] = line.split(' ');
    const name = ref.endsWith(':<none>') ? id : ref;
    ok(await d(ctx, ['image', 'inspect', name]), `image inspect ${name}`);
    ok(await d(ctx, ['run', '--rm', name, 'true']), `run ${name}`);
    if (!baseImages.has(ref)) ok(await d(ctx, ['rmi', '-f', name]), `rmi ${name}`);
  }
  for (const v of ok(await d(ctx, ['volume', 'ls', '-q']), 'volume ls')
    .split('\n')
    .filter(Boolean)) {
    ok(await d(ctx, ['volume', 'inspect', v]), `volume inspect ${v}`);
    ok(await d(ctx, ['volume', 'rm', v]), `volume rm ${v}`);
  }
  assert.deepEqual(
    listDir(join(daemon.dataRoot, 'volumes')).filter((n) => !n.startsWith('metadata')),
    [],
    'volume dirs',
  );
  assert.deepEqual(mountsBelow(daemon.dir), [], 'mounts below the roots');
}

test('the store stays consistent after kill -9 at random points', { skip, timeout: 3_600_000 }, async () => {
  const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const random = seeded(seed);
  // Unset or empty: every operation; a name that is none is refused rather than leaving nothing to run.
  const only = process.env.CRASH_OPS ? process.env.CRASH_OPS.split(',') : undefined;
  const unknown = only?.filter((name) => !OPERATIONS.some((o) => o.name === name)) ?? [];
  assert.deepEqual(unknown, [], `CRASH_OPS names no such operation (${OPERATIONS.map((o) => o.name).join(', ')})`);
  const operations = OPERATIONS.filter((o) => !only || only.includes(o.name));
  const rounds = Number(process.env.CRASH_ROUNDS ?? operations.length);
  const registry = await startRegistryProcess();
  let daemon = await startDaemon();
  const tap = new RequestTap(join(daemon.dir, 'tap.sock'), () => daemon.socketPath);
  await tap.listen();
  const ctx: Context = { daemon, registry, tap, round: 0, volumesGone: [], volumesKept: [] };
  const history: string[] = [];
  try {
    ok(await d(ctx, ['load', '-i', (await testImages()).busybox]), 'load');
    ok(await d(ctx, ['tag', 'busybox', pulled(ctx)]), 'tag');
    ok(await d(ctx, ['push', pulled(ctx)]), 'push');
    ok(await d(ctx, ['rmi', pulled(ctx)]), 'rmi');
    const baseImages = new Set(['busybox:latest']);
    // Each operation's duration from its request's arrival, measured once unkilled: the kill's delay is drawn within.
    const durations = new Map<string, number>();
    for (const op of operations) {
      await op.prepare?.(ctx);
      let started = 0;
      const seen = ctx.tap.next(op.request).then(() => (started = performance.now()));
      ok(await op.act(ctx), `${op.name} (unkilled)`);
      await seen;
      durations.set(op.name, performance.now() - started);
      ctx.round++;
    }
    await checkStore(ctx, baseImages);
    // Each operation once before any repeats, in a drawn order.
    const order = [...operations].sort(() => random() - 0.5);
    for (let i = 0; i < rounds; i++) {
      const op = order[i % order.length] as Operation;
      await op.prepare?.(ctx);
      const delay = Math.floor(random() * (durations.get(op.name) ?? 0));
      const seen = ctx.tap.next(op.request);
      const acting = op.act(ctx).catch(() => undefined);
      await Promise.race([seen, acting]);
      await new Promise((resolve) => setTimeout(resolve, delay));
      await ctx.daemon.kill9();
      await acting;
      history.push(`${op.name}@${delay}ms`);
      daemon = await startDaemon({ dir: daemon.dir });
      ctx.daemon = daemon;
      ctx.round++;
      await checkStore(ctx, baseImages).catch((err: Error) => {
        err.message = `after round ${i} (seed ${seed}; ${history.join(' ')}): ${err.message}`;
        throw err;
      });
    }
    // Everything goes; the stopped daemon leaves nothing mounted.
    ok(await d(ctx, ['rmi', '-f', 'busybox']), 'rmi busybox');
    ok(await d(ctx, ['builder', 'prune', '-af']), 'builder prune');
    await daemon.stop();
    daemon = await startDaemon({ dir: daemon.dir });
    ctx.daemon = daemon;
    assert.deepEqual(listDir(join(daemon.execRoot, 'runtime/containers')), [], 'set-aside state dirs after a start');
    const table = JSON.parse(readFileSync(join(daemon.dataRoot, 'snapshots/snapshots.json'), 'utf8')) as object;
    assert.deepEqual(Object.keys(table), [], 'snapshots after every image went');
    assert.deepEqual(listDir(join(daemon.dataRoot, 'snapshots/snapshots')), [], 'snapshot dirs');
    assert.deepEqual(listDir(join(daemon.dataRoot, 'content/blobs/sha256')), [], 'blobs after every image went');
    await daemon.stop();
    assert.deepEqual(mountsBelow(daemon.dir), [], 'mounts below the roots after the stop');
  } finally {
    await tap.close();
    // A cleanup that fails (a rootfs left mounted: EBUSY) must not hide the failure that led to it.
    await daemon.cleanup().catch((err: unknown) => process.stderr.write(`# cleanup failed: ${String(err)}\n`));
    await registry.close();
  }
});
