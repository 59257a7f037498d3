// AutoRemove containers created and not started yet (`docker create --rm`, or `docker run --rm` between its create
// and its start): they go at the next daemon start, as dockerd 20.10's restore removes every AutoRemove container
// that is not running (checked side by side: `docker create --rm`, dockerd restarted, the container gone; a kept
// created one stays). Until then they behave as any created container: started later, or removed before a start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { docker } from '../helpers/run.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';

const skip = !isRoot() && 'needs root';
const skipDockerd = skip || (!hasDockerd() && 'needs dockerd');
const daemon = useDaemon(skip);
const dockerd = useDockerd(skipDockerd);

const d = (args: string[]) => docker(daemon.env, args);
const ok = (r: { code: number | null; stderr: string }, what: string) =>
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
const snapshotKeys = (): string[] =>
  Object.keys(JSON.parse(readFileSync(join(daemon.dataRoot, 'snapshots', 'snapshots.json'), 'utf8')) as object);
const snapshotDirs = (): number => readdirSync(join(daemon.dataRoot, 'snapshots', 'snapshots')).length;
const containerDirs = (): string[] => readdirSync(join(daemon.dataRoot, 'containers'));

test('a created --rm container starts later, and one removed before its start leaves nothing', { skip }, async () => {
  const dirs = snapshotDirs();
  const started = (await d(['create', '--rm', 'busybox', 'echo', 'later'])).stdout.trim();
  assert.match(started, /^[0-9a-f]{64}$/);
  const inspect = await d(['inspect', '-f', '{{.State.Status}} {{.HostConfig.AutoRemove}}', started]);
  assert.equal(inspect.stdout.trim(), 'created true');
  const run = await d(['start', '-a', started]);
  ok(run, 'start -a');
  assert.equal(run.stdout, 'later\n');
  const removed = (await d(['create', '--rm', 'busybox', 'true'])).stdout.trim();
  ok(await d(['rm', removed]), 'rm before start');
  // The first one goes at its exit (its removal ends after its waiter's answer: wait for it through the API).
  await d(['wait', started]).catch(() => undefined);
  const ids = (await d(['ps', '-aq', '--no-trunc'])).stdout;
  assert.equal(ids.includes(removed), false);
  for (const id of [started, removed]) {
    assert.equal((await d(['inspect', id])).code, 1, `${id} is gone`);
    assert.equal(containerDirs().includes(id), false);
  }
  await daemon.stop();
  assert.equal(snapshotKeys().includes(removed), false);
  assert.equal(snapshotKeys().includes(started), false);
  assert.equal(snapshotDirs(), dirs, 'no layer directory left');
  await daemon.startAgain();
});

for (const how of ['stop', 'kill -9'] as const) {
  test(`created --rm containers go at the daemon's next start after a ${how}, kept ones stay`, { skip }, async () => {
    const dirs = snapshotDirs();
    const thrown = (await d(['create', '--rm', 'busybox', 'true'])).stdout.trim();
    const kept = (
      await d(['create', '--name', `kept-${how === 'stop' ? 'stop' : 'kill'}`, 'busybox', 'true'])
    ).stdout.trim();
    assert.match(thrown, /^[0-9a-f]{64}$/);
    assert.match(kept, /^[0-9a-f]{64}$/);
    if (how === 'stop') await daemon.stop();
    else await daemon.kill9();
    await daemon.startAgain();
    const all = (await d(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Status}}'])).stdout;
    assert.equal(all.includes(thrown), false, all);
    assert.match(all, new RegExp(`^${kept} Created$`, 'm'));
    assert.equal((await d(['inspect', thrown])).code, 1);
    assert.equal(containerDirs().includes(thrown), false);
    // The kept one still starts: its layer was not touched.
    const start = await d(['start', '-a', kept]);
    ok(start, 'start the kept one');
    ok(await d(['rm', kept]), 'rm the kept one');
    // A stop waits for the removals under way, then the tables are read.
    await daemon.stop();
    assert.equal(snapshotKeys().includes(thrown), false);
    assert.equal(snapshotDirs(), dirs, 'no layer directory left');
    await daemon.startAgain();
  });
}

test(
  'dockerd 20.10 side by side: a created --rm container is gone after a restart, a kept one stays',
  { skip: skipDockerd },
  async () => {
    const dk = (args: string[]) => docker(dockerd.env, args);
    const thrown = (await dk(['create', '--rm', 'busybox', 'true'])).stdout.trim();
    const kept = (await dk(['create', 'busybox', 'true'])).stdout.trim();
    assert.match(thrown, /^[0-9a-f]{64}$/);
    await dockerd.stop({ keepRoots: true });
    await dockerd.startAgain();
    const all = (await dk(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Status}}'])).stdout;
    assert.equal(all.includes(thrown), false, all);
    assert.match(all, new RegExp(`^${kept} Created$`, 'm'));
    ok(await dk(['rm', kept]), 'rm the kept one');
  },
);
