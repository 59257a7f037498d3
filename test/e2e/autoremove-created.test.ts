// AutoRemove containers created and not started yet (`docker create --rm`, or `docker run --rm` between its create
// and its start): they go at the next daemon start, as dockerd 20.10's restore removes every AutoRemove container
// that is not running (checked side by side: `docker create --rm`, dockerd restarted, the container gone; a kept
// created one stays). Until then they behave as any created container: started later, or removed before a start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { stopAtExit } from '../helpers/teardown.js';
import { docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';

const skip = !isRoot() && 'needs root';
let daemon: TestDaemon;

before(async () => {
  if (skip) return;
  daemon = await startDaemon();
  const load = await docker(daemon.env, ['load', '-i', (await testImages()).busybox]);
  assert.equal(load.code, 0, load.stderr);
});
after(async () => {
  if (!daemon) return;
  const left = (await docker(daemon.env, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
  if (left.length > 0) await docker(daemon.env, ['rm', '-f', ...left]);
  await daemon.cleanup();
});

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
  daemon = await startDaemon({ dir: daemon.dir });
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
    daemon = await startDaemon({ dir: daemon.dir });
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
    daemon = await startDaemon({ dir: daemon.dir });
  });
}

/** dockerd 20.10 on roots of its own, started twice on them (the shared helper makes a fresh root each time). */
async function dockerdOn(dir: string): Promise<{ env: NodeJS.ProcessEnv; stop(): Promise<void> }> {
  const socket = join(dir, 'docker.sock');
  const child = stopAtExit(
    spawn(
      'dockerd',
      [
        ...['-H', `unix://${socket}`, '--data-root', join(dir, 'root'), '--exec-root', join(dir, 'exec')],
        ...['--pidfile', join(dir, 'pid'), '--bridge=none', '--iptables=false', '--ip-masq=false'],
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    ),
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('API listen on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`dockerd exited with ${code}:\n${log}`)));
  });
  return {
    env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

test(
  'dockerd 20.10 side by side: a created --rm container is gone after a restart, a kept one stays',
  {
    skip: skip || (!hasDockerd() && 'needs dockerd'),
  },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-dockerd-restart-'));
    let engine = await dockerdOn(dir);
    try {
      const dk = (args: string[]) => docker(engine.env, args);
      ok(await dk(['load', '-i', (await testImages()).busybox]), 'load');
      const thrown = (await dk(['create', '--rm', 'busybox', 'true'])).stdout.trim();
      const kept = (await dk(['create', 'busybox', 'true'])).stdout.trim();
      assert.match(thrown, /^[0-9a-f]{64}$/);
      await engine.stop();
      engine = await dockerdOn(dir);
      const all = (await dk(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Status}}'])).stdout;
      assert.equal(all.includes(thrown), false, all);
      assert.match(all, new RegExp(`^${kept} Created$`, 'm'));
      ok(await dk(['rm', kept]), 'rm the kept one');
    } finally {
      await engine.stop();
      const mounts = readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[1] ?? '')
        .filter((m) => m.startsWith(`${dir}/`));
      for (const m of mounts.sort().reverse()) execFileSync('umount', ['-l', m], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
