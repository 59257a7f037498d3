// Races between a container create and the removal of what it uses, made deterministic with berthd's test-only
// pause points (src/daemon/test-pause-point.ts): the create is held after it took its references, the rival request
// is sent, then the create goes on. The store stays consistent (no container naming a missing volume), and the
// rival's answer has the shape Docker's engine 20.10 gives when the container already exists (its create holds the
// reference the same way, so the window cannot be opened there: the comparison is with the container just created).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { apiRequest, isRoot } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';
import { pausePoints, type PausePoints } from '../helpers/pause-point.js';

const skip = !isRoot() ? 'needs root' : !hasDockerd() ? 'dockerd is not installed' : false;
const VOLUMES = 'create-volumes-referenced';

let pause: PausePoints | undefined;
const points = (): PausePoints => {
  if (!pause) throw new Error('no pause points');
  return pause;
};
const berthd = useDaemon(skip, {
  start: async () => ({ env: (pause = await pausePoints([VOLUMES])).env }),
  tearDown: async (daemon) => {
    await docker(daemon.env, ['volume', 'prune', '-af']);
  },
});
const engine = useDockerd(skip);
after(() => {
  if (pause) rmSync(pause.dir, { recursive: true, force: true });
});

async function ok(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await docker(env, args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** DELETE /volumes/<name>: status and message. */
async function volumeRm(socketPath: string, name: string): Promise<{ status: number; message: string }> {
  const r = await apiRequest(socketPath, `/volumes/${name}`, { method: 'DELETE' });
  return { status: r.status, message: r.status >= 400 ? (JSON.parse(r.body) as { message: string }).message : '' };
}

/** Starts `docker create` with `args`; resolves once berthd holds it at `point`, with the create's outcome (wrapped:
 * an async function returning the promise itself would wait for it). */
async function heldCreate(point: string, args: string[]): Promise<{ creating: Promise<string> }> {
  points().arm(point);
  const creating = ok(berthd.env, ['create', ...args]);
  await points().reached(point);
  return { creating };
}

test(
  'volume rm while a create using the volume is held: 409 in use, as Docker answers for its container',
  { skip },
  async () => {
    await ok(berthd.env, ['volume', 'create', 'race-data']);
    const { creating } = await heldCreate(VOLUMES, [
      '--name',
      'race-user',
      '-v',
      'race-data:/d',
      'busybox',
      'cat',
      '/d/x',
    ]);
    const during = await volumeRm(berthd.socketPath, 'race-data');
    const cli = await docker(berthd.env, ['volume', 'rm', 'race-data']);
    points().release(VOLUMES);
    const id = await creating;

    assert.equal(during.status, 409);
    assert.equal(during.message, `remove race-data: volume is in use - [${id}]`);
    assert.equal(cli.code, 1);
    // The volume is there for the stored container: it starts with it (and writes through it).
    assert.equal(await ok(berthd.env, ['volume', 'inspect', '-f', '{{.Name}}', 'race-data']), 'race-data');
    await ok(berthd.env, ['run', '--rm', '-v', 'race-data:/d', 'busybox', 'sh', '-c', 'echo held > /d/x']);
    assert.equal(await ok(berthd.env, ['start', '-a', 'race-user']), 'held');

    // Docker 20.10, the same create then the same removal: the same status, message and CLI output (ids aside).
    await ok(engine.env, ['volume', 'create', 'race-data']);
    const dockerId = await ok(engine.env, ['create', '--name', 'race-user', '-v', 'race-data:/d', 'busybox', 'true']);
    const docker20 = await volumeRm(engine.socketPath, 'race-data');
    const dockerCli = await docker(engine.env, ['volume', 'rm', 'race-data']);
    assert.equal(docker20.status, 409);
    assert.equal(docker20.message.replace(dockerId, '<id>'), during.message.replace(id, '<id>'));
    assert.equal(dockerCli.stderr.replace(dockerId, '<id>'), cli.stderr.replace(id, '<id>'));
    assert.equal(dockerCli.code, cli.code);

    for (const env of [berthd.env, engine.env]) {
      await ok(env, ['rm', 'race-user']);
      await ok(env, ['volume', 'rm', 'race-data']);
    }
  },
);

test(
  'volume prune while a create that makes its volume is held: the volume stays and the container starts',
  { skip },
  async () => {
    const { creating } = await heldCreate(VOLUMES, [
      '--name',
      'race-fresh',
      '-v',
      'race-fresh:/f',
      'busybox',
      'ls',
      '/f',
    ]);
    const pruned = await apiRequest(
      berthd.socketPath,
      `/volumes/prune?filters=${encodeURIComponent('{"all":["true"]}')}`,
      {
        method: 'POST',
      },
    );
    points().release(VOLUMES);
    await creating;
    assert.equal(pruned.status, 200);
    assert.deepEqual((JSON.parse(pruned.body) as { VolumesDeleted: string[] | null }).VolumesDeleted ?? [], []);
    await ok(berthd.env, ['start', '-a', 'race-fresh']);
    await ok(berthd.env, ['rm', '-v', 'race-fresh']);
    await ok(berthd.env, ['volume', 'rm', 'race-fresh']);
  },
);

test(
  'compose-style burst: many containers sharing one volume created and started while prune runs',
  { skip },
  async () => {
    await ok(berthd.env, ['volume', 'create', 'race-shared']);
    // The first create is held inside its window; prune and the other creates race freely around it.
    points().arm(VOLUMES);
    const runs = Array.from({ length: 8 }, (_, i) =>
      ok(berthd.env, ['run', '-d', '--name', `race-burst-${i}`, '-v', 'race-shared:/s', 'busybox', 'sleep', '1d']),
    );
    await points().reached(VOLUMES);
    const prunes = [ok(berthd.env, ['volume', 'prune', '-af']), docker(berthd.env, ['volume', 'rm', 'race-shared'])];
    points().release(VOLUMES);
    await Promise.all([...runs, ...prunes]);
    const running = await ok(berthd.env, ['ps', '-q', '--filter', 'volume=race-shared']);
    assert.equal(running.split('\n').length, 8);
    assert.equal(await ok(berthd.env, ['volume', 'inspect', '-f', '{{.Name}}', 'race-shared']), 'race-shared');
    await ok(berthd.env, ['rm', '-f', ...Array.from({ length: 8 }, (_, i) => `race-burst-${i}`)]);
    await ok(berthd.env, ['volume', 'rm', 'race-shared']);
  },
);
