// kill -9 of berthd inside a container's removal (the test-only crash points of src/daemon/test-crash-point.ts):
// after the restart the removal is finished as it was asked, `rm -v` and AutoRemove's anonymous volumes gone, a
// named volume, a plain `rm`'s anonymous volume and one another container mounts kept. The end state is compared
// with what the same commands leave, uncrashed, on Docker's engine 20.10 (which has the same window and no repair).
// Likewise inside a `volume rm` of a typed volume: gone after the restart, never back as a plain local volume.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiRequest, isRoot, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { useDockerd } from '../helpers/use-daemon.js';

const skip = !isRoot() ? 'needs root' : !hasDockerd() ? 'dockerd is not installed' : false;
const engine = useDockerd(skip);

let daemon: TestDaemon | undefined;
after(async () => {
  await daemon?.cleanup();
});

async function ok(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await docker(env, args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** berthd on the file's roots (made at the first call), with a crash point or none. */
type CrashAt = 'removal-begun' | 'record-deleted' | 'volume-set-aside' | 'volume-record-deleted';
async function berthd(crashAt?: CrashAt): Promise<TestDaemon> {
  const first = !daemon;
  if (daemon) await daemon.stop();
  daemon = await startDaemon({
    ...(daemon ? { dir: daemon.dir } : {}),
    ...(crashAt ? { env: { BERTH_TEST_CRASH_AT: crashAt } } : {}),
  });
  if (first) await ok(daemon.env, ['load', '-i', (await testImages()).busybox]);
  return daemon;
}

const anonymousOf = async (env: NodeJS.ProcessEnv, name: string): Promise<string> =>
  ok(env, ['inspect', '--format', '{{range .Mounts}}{{if eq .Destination "/anon"}}{{.Name}}{{end}}{{end}}', name]);

interface Case {
  /** Makes the container (and what else the case needs); returns its anonymous volume's name. */
  setUp(env: NodeJS.ProcessEnv, tag: string): Promise<string>;
  /** The removal, as a user types it. */
  removal(tag: string): string[];
}

/** Each with an anonymous volume on /anon: rm -v (and a named volume), AutoRemove, plain rm, rm -v of a shared one. */
const CASES: Record<string, Case> = {
  rmv: {
    async setUp(env, tag) {
      await ok(env, [
        'run',
        '-d',
        '--name',
        `rmv-${tag}`,
        '-v',
        '/anon',
        '-v',
        `keep-${tag}:/keep`,
        'busybox',
        'sleep',
        '1d',
      ]);
      return anonymousOf(env, `rmv-${tag}`);
    },
    removal: (tag) => ['rm', '-f', '-v', `rmv-${tag}`],
  },
  auto: {
    async setUp(env, tag) {
      await ok(env, ['create', '--rm', '--name', `auto-${tag}`, '-v', '/anon', 'busybox', 'true']);
      return anonymousOf(env, `auto-${tag}`);
    },
    removal: (tag) => ['start', '-a', `auto-${tag}`],
  },
  plain: {
    async setUp(env, tag) {
      await ok(env, ['create', '--name', `plain-${tag}`, '-v', '/anon', 'busybox', 'true']);
      return anonymousOf(env, `plain-${tag}`);
    },
    removal: (tag) => ['rm', `plain-${tag}`],
  },
  shared: {
    async setUp(env, tag) {
      await ok(env, ['create', '--name', `shared-${tag}`, '-v', '/anon', 'busybox', 'true']);
      const name = await anonymousOf(env, `shared-${tag}`);
      await ok(env, ['create', '--name', `user-${tag}`, '-v', `${name}:/x`, 'busybox', 'true']);
      return name;
    },
    removal: (tag) => ['rm', '-v', `shared-${tag}`],
  },
};

/** What is left of the cases' volumes (and the named one): kept or gone. */
async function leftOver(env: NodeJS.ProcessEnv, tag: string, names: Record<string, string>) {
  const listed = new Set((await ok(env, ['volume', 'ls', '-q'])).split('\n'));
  const out: Record<string, string> = { keep: listed.has(`keep-${tag}`) ? 'kept' : 'gone' };
  for (const [c, v] of Object.entries(names)) out[c] = listed.has(v) ? 'kept' : 'gone';
  return out;
}

const expected = { keep: 'kept', rmv: 'gone', auto: 'gone', plain: 'kept', shared: 'kept' };

test(
  'uncrashed, Docker engine 20.10 leaves: rm -v and --rm take the anonymous volume; rm, a shared one, named stay',
  { skip },
  async () => {
    const env = engine.env;
    const names: Record<string, string> = {};
    for (const [c, k] of Object.entries(CASES)) names[c] = await k.setUp(env, 'd');
    for (const k of Object.values(CASES)) await ok(env, k.removal('d'));
    // AutoRemove goes after start -a returned: wait for it (404 once it is gone).
    const removed = await apiRequest(engine.socketPath, '/containers/auto-d/wait?condition=removed', {
      method: 'POST',
    });
    assert.ok([200, 404].includes(removed.status), `wait removed: ${removed.status} ${removed.body}`);
    assert.deepEqual(await leftOver(env, 'd', names), expected);
    await ok(env, ['rm', 'user-d']);
    // API 1.41: prune takes named volumes too.
    await ok(env, ['volume', 'prune', '-f']);
  },
);

for (const point of ['record-deleted', 'removal-begun'] as const) {
  test(
    `berthd killed -9 at ${point} in each removal: the next start finishes it as asked, as dockerd ends uncrashed`,
    { skip },
    async () => {
      const tag = point === 'record-deleted' ? 'r' : 'b';
      const names: Record<string, string> = {};
      let env: NodeJS.ProcessEnv = {};
      for (const [c, k] of Object.entries(CASES)) {
        // The containers are made on the daemon that dies (a restart would remove a created AutoRemove one).
        const d = await berthd(point);
        names[c] = await k.setUp(d.env, tag);
        const exited = once(d.process, 'exit') as Promise<[number | null, string | null]>;
        await docker(d.env, k.removal(tag));
        const [, signal] = await exited;
        assert.equal(signal, 'SIGKILL', `berthd killed itself at ${point} (${c})`);
        env = (await berthd()).env;
        // The container is gone: its removal was finished at start, not rolled back.
        assert.equal((await docker(env, ['inspect', `${c}-${tag}`])).code, 1, `${c}-${tag} removed`);
      }
      assert.deepEqual(await leftOver(env, tag, names), expected);
      const dataRoot = (daemon as TestDaemon).dataRoot;
      for (const c of ['rmv', 'auto'])
        assert.equal(existsSync(join(dataRoot, 'volumes', names[c] ?? '')), false, `${c}'s volume directory`);
      // The kept ones are whole and usable; nothing of the intents takes them at a later start.
      await ok(env, ['rm', `user-${tag}`]);
      env = (await berthd()).env;
      assert.deepEqual(await leftOver(env, tag, names), expected);
      await ok(env, ['run', '--rm', '-v', `${names.plain}:/p`, 'busybox', 'true']);
      await ok(env, ['volume', 'prune', '-af']);
    },
  );
}

/** A tmpfs-typed local volume with a label, and a plain one beside it. */
async function typedVolumes(env: NodeJS.ProcessEnv, tag: string): Promise<void> {
  await ok(env, [
    'volume',
    'create',
    '--label',
    'team=a',
    '-o',
    'type=tmpfs',
    '-o',
    'device=tmpfs',
    '-o',
    'o=size=1m',
    `typed-${tag}`,
  ]);
  await ok(env, ['volume', 'create', '--label', 'team=b', `beside-${tag}`]);
}

const inspectOf = async (env: NodeJS.ProcessEnv, name: string) =>
  JSON.parse(await ok(env, ['volume', 'inspect', name])) as unknown;

test(
  'uncrashed, Docker engine 20.10: volume rm of a typed volume takes it, the one beside stays',
  { skip },
  async () => {
    const env = engine.env;
    await typedVolumes(env, 'd');
    await ok(env, ['volume', 'rm', 'typed-d']);
    const listed = (await ok(env, ['volume', 'ls', '-q'])).split('\n');
    assert.deepEqual([listed.includes('typed-d'), listed.includes('beside-d')], [false, true]);
    await ok(env, ['volume', 'rm', 'beside-d']);
  },
);

for (const point of ['volume-set-aside', 'volume-record-deleted'] as const) {
  test(
    `berthd killed -9 at ${point} in a volume rm: the typed volume is gone after the restart`,
    { skip },
    async () => {
      const tag = point === 'volume-set-aside' ? 's' : 'v';
      let d = await berthd();
      await typedVolumes(d.env, tag);
      const beside = await inspectOf(d.env, `beside-${tag}`);
      d = await berthd(point);
      const exited = once(d.process, 'exit') as Promise<[number | null, string | null]>;
      await docker(d.env, ['volume', 'rm', `typed-${tag}`]);
      const [, signal] = await exited;
      assert.equal(signal, 'SIGKILL', `berthd killed itself at ${point}`);
      const env = (await berthd()).env;
      const listed = (await ok(env, ['volume', 'ls', '-q'])).split('\n');
      assert.deepEqual([listed.includes(`typed-${tag}`), listed.includes(`beside-${tag}`)], [false, true]);
      const inspected = await docker(env, ['volume', 'inspect', `typed-${tag}`]);
      assert.equal(inspected.code, 1, 'inspect of the removed volume fails');
      assert.match(inspected.stderr, /no such volume/i);
      assert.deepEqual(await inspectOf(env, `beside-${tag}`), beside, 'the volume beside is identical');
      const volumesDir = join((daemon as TestDaemon).dataRoot, 'volumes');
      const left = readdirSync(volumesDir).filter((e) => e.includes(`typed-${tag}`));
      assert.deepEqual(left, [], 'no directory of it, live or set aside');
      // The name is free again, and a second restart does not touch the new volume.
      await ok(env, ['volume', 'create', '--label', 'again=1', `typed-${tag}`]);
      const again = await inspectOf(env, `typed-${tag}`);
      assert.deepEqual(await inspectOf((await berthd()).env, `typed-${tag}`), again);
      await ok((daemon as TestDaemon).env, ['volume', 'rm', `typed-${tag}`, `beside-${tag}`]);
    },
  );
}
