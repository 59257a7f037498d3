// AutoRemove (`run --rm`) end to end: the layer of a container that goes at its exit is mounted `volatile` (no sync
// of the upper filesystem at unmount) and a kept one is not; the waiter is answered before the layer's and the
// directory's removal end, yet an image removed right after finds its layers free; and what a crash leaves (an
// AutoRemove container that exited while berthd was down, a container directory whose record went) is gone after
// the next start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiRequest, isRoot } from '../helpers/daemon.js';
import { testImages } from '../helpers/images.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { docker } from '../helpers/run.js';

const skip = !isRoot() && 'needs root';
const daemon = useDaemon(skip);

const d = (args: string[]) => docker(daemon.env, args);
const ok = (r: { code: number | null; stderr: string }, what: string) =>
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
const snapshotKeys = (): string[] =>
  Object.keys(JSON.parse(readFileSync(join(daemon.dataRoot, 'snapshots', 'snapshots.json'), 'utf8')) as object).sort();

test('the root of a --rm container is mounted volatile, a kept container root is not', { skip }, async () => {
  const rootMount = ['grep', ' / ', '/proc/mounts'];
  const thrown = await d(['run', '--rm', 'busybox', ...rootMount]);
  ok(thrown, 'run --rm');
  // Linux 6.x shows the option as fsync=volatile, 5.10-5.x as volatile.
  assert.match(thrown.stdout, /^overlay \/ overlay .*\bvolatile\b/);
  const kept = await d(['run', '--name', 'kept', 'busybox', ...rootMount]);
  ok(kept, 'run');
  assert.match(kept.stdout, /^overlay \/ overlay /);
  assert.doesNotMatch(kept.stdout, /volatile/);
  // Started again, the kept container's layer mounts as before and still holds what it wrote.
  ok(await d(['start', '-a', 'kept']), 'start again');
  ok(await d(['rm', 'kept']), 'rm');
});

test('an image removed right after a --rm run of it leaves no layer behind', { skip }, async () => {
  const before = snapshotKeys();
  ok(await d(['load', '-i', (await testImages()).layered]), 'load layered');
  assert.ok(snapshotKeys().length > before.length, 'the layers are unpacked');
  const run = await d(['run', '--rm', 'berth-test/layered', 'sh', '-c', 'echo new > /data/written; cat /data/keep']);
  ok(run, 'run --rm');
  // The waiter was answered before the container's layer was written out of the table; the removal of the image
  // right after must still find its layers without children.
  ok(await d(['rmi', 'berth-test/layered']), 'rmi');
  assert.deepEqual(snapshotKeys(), before);
});

test(
  'a --rm container that exited while berthd was down is removed at the next start, with its layer and dir',
  {
    skip,
  },
  async () => {
    const id = (await d(['run', '-d', '--rm', 'busybox', 'sh', '-c', 'echo x > /written; sleep 300'])).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    await daemon.kill9();
    execFileSync('sh', ['-c', `kill -KILL $(cat ${join(daemon.execRoot, 'runtime/containers', id, 'pidfile')})`]);
    // What a crash between an AutoRemove record's removal and its directory's leaves; a name that is no container id
    // is not the daemon's to judge.
    const orphan = 'f'.repeat(64);
    mkdirSync(join(daemon.dataRoot, 'containers', orphan, 'bundle'), { recursive: true });
    writeFileSync(join(daemon.dataRoot, 'containers', 'notes'), 'kept\n');
    await daemon.startAgain();
    const wait = await apiRequest(daemon.socketPath, `/containers/${id}/wait?condition=removed`, { method: 'POST' });
    // 200 once removed; 404 when the removal at start was done before the wait came.
    assert.ok([200, 404].includes(wait.status), `${wait.status} ${wait.body}`);
    assert.equal((await apiRequest(daemon.socketPath, `/containers/${id}/json`)).status, 404);
    // A stop waits for the removals still under way: then nothing of the container is left.
    await daemon.stop();
    const containers = readdirSync(join(daemon.dataRoot, 'containers'));
    assert.deepEqual(
      containers.filter((n) => n === id || n === orphan),
      [],
    );
    assert.ok(containers.includes('notes'));
    assert.equal(snapshotKeys().includes(id), false);
    assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').includes(id), false);
    // A runtime state dir set aside for removal that a stop or crash left goes at the next start.
    const states = join(daemon.execRoot, 'runtime', 'containers');
    mkdirSync(join(states, `.removed-${id}-0000`, 'inside'), { recursive: true });
    await daemon.startAgain();
    assert.equal((await d(['ps', '-aq'])).stdout.trim(), '');
    assert.deepEqual(
      readdirSync(states).filter((n) => n.startsWith('.removed-')),
      [],
    );
  },
);
