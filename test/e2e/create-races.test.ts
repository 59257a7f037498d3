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
const RECORD = 'create-before-record';

let pause: PausePoints | undefined;
const points = (): PausePoints => {
  if (!pause) throw new Error('no pause points');
  return pause;
};
const berthd = useDaemon(skip, {
  start: async () => ({ env: (pause = await pausePoints([VOLUMES, RECORD])).env }),
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

/** An image with one name only (committed from busybox), so removing that name deletes it. */
async function soleNamed(env: NodeJS.ProcessEnv, name: string): Promise<string> {
  await ok(env, ['create', '--name', `${name}-base`, 'busybox', 'true']);
  await ok(env, ['commit', `${name}-base`, name]);
  await ok(env, ['rm', `${name}-base`]);
  return ok(env, ['image', 'inspect', '-f', '{{.Id}}', name]);
}

test(
  'rmi and image prune while a create from the image is held: conflict, as Docker answers for its container',
  { skip },
  async () => {
    const imageId = await soleNamed(berthd.env, 'race-img');
    const { creating } = await heldCreate(RECORD, ['--name', 'race-img-user', 'race-img', 'true']);
    const byName = await docker(berthd.env, ['rmi', 'race-img']);
    const byId = await docker(berthd.env, ['rmi', imageId]);
    const pruned = await ok(berthd.env, ['image', 'prune', '-af']);
    points().release(RECORD);
    const id = await creating;
    assert.equal(byName.code, 1);
    assert.equal(byId.code, 1);
    assert.doesNotMatch(pruned, /race-img|deleted: /i);
    // The stored container's image is there: it inspects and the container runs.
    assert.equal(await ok(berthd.env, ['image', 'inspect', '-f', '{{.Id}}', 'race-img']), imageId);
    assert.equal(await ok(berthd.env, ['inspect', '-f', '{{.Image}}', 'race-img-user']), imageId);
    await ok(berthd.env, ['start', '-a', 'race-img-user']);

    // Docker 20.10, the same image and create, then the same removals: the same messages (ids aside).
    const dockerImage = await soleNamed(engine.env, 'race-img');
    const dockerId = await ok(engine.env, ['create', '--name', 'race-img-user', 'race-img', 'true']);
    const dockerByName = await docker(engine.env, ['rmi', 'race-img']);
    const dockerById = await docker(engine.env, ['rmi', dockerImage]);
    const shape = (s: string, container: string, image: string): string =>
      s.replaceAll(container.slice(0, 12), '<id>').replaceAll(image.replace('sha256:', '').slice(0, 12), '<image>');
    assert.equal(shape(byName.stderr, id, imageId), shape(dockerByName.stderr, dockerId, dockerImage));
    assert.equal(shape(byId.stderr, id, imageId), shape(dockerById.stderr, dockerId, dockerImage));
    assert.equal(dockerByName.code, byName.code);

    for (const env of [berthd.env, engine.env]) {
      await ok(env, ['rm', 'race-img-user']);
      await ok(env, ['rmi', 'race-img']);
    }
  },
);
