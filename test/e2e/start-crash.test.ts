// A kill -9 of berthd in the middle of a container's start (its runtime state dir made and its rootfs mounted, conmon
// and runc create not begun) leaves nothing behind once berthd is back: restore undoes the runtime state of every
// container that is not running, so no berth mount waits for the container's next start or its removal; the
// container then starts and is removed as any other. The window is opened with berthd's test-only pause point
// `start-rootfs-mounted` (drivers/runtime-runc/conmon-runtime.ts). Docker's engine cannot be held there, so this file
// runs on berthd only. Skips without root.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { pausePoints, type PausePoints } from '../helpers/pause-point.js';

const skip = !isRoot() ? 'needs root' : false;
const POINT = 'start-rootfs-mounted';

let pause: PausePoints | undefined;
const points = (): PausePoints => {
  if (!pause) throw new Error('no pause points');
  return pause;
};
const berthd = useDaemon(skip, { start: async () => ({ env: (pause = await pausePoints([POINT])).env }) });
after(() => {
  if (pause) rmSync(pause.dir, { recursive: true, force: true });
});

/** The host's mounts whose mount point names the container (its bundle's rootfs, its /dev/shm). */
const mountsOf = (id: string): string[] =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.includes(id));

test('a start cut off by kill -9 after its rootfs mount leaves no mount after the restart', { skip }, async () => {
  const create = await docker(berthd.env, ['create', '--network', 'none', 'busybox', 'sleep', '300']);
  assert.equal(create.code, 0, create.stderr);
  const id = create.stdout.trim();
  const stateDir = join(berthd.execRoot, 'runtime', 'containers', id);

  points().arm(POINT);
  const start = docker(berthd.env, ['start', id]);
  await points().reached(POINT);
  // The window is real: the rootfs is mounted and the runtime state is there, conmon not begun.
  assert.ok(mountsOf(id).length > 0, 'the rootfs is mounted while the start is held');
  assert.ok(existsSync(stateDir), 'the runtime state dir is there while the start is held');
  await berthd.kill9();
  assert.notEqual((await start).code, 0, 'the start whose daemon died fails');
  assert.ok(mountsOf(id).length > 0, 'kill -9 left the mount');

  await berthd.startAgain();
  assert.deepEqual(mountsOf(id), [], 'no berth mount left for the container after the restart');
  assert.equal(existsSync(stateDir), false, 'no runtime state dir left');
  const status = await docker(berthd.env, ['inspect', '-f', '{{.State.Status}}', id]);
  assert.equal(status.stdout.trim(), 'created');

  const again = await docker(berthd.env, ['start', id]);
  assert.equal(again.code, 0, again.stderr);
  const running = await docker(berthd.env, ['inspect', '-f', '{{.State.Running}}', id]);
  assert.equal(running.stdout.trim(), 'true');
  const rm = await docker(berthd.env, ['rm', '-f', id]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.deepEqual(mountsOf(id), [], 'nothing mounted after the removal');
  assert.equal(existsSync(stateDir), false);
});
