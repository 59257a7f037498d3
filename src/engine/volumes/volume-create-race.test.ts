// A container create that uses a volume, held (the test pause point) after its volumes are made or found and before
// its record is stored: a `volume rm` or prune sent in that window answers "in use" (Docker's 409 shape), the create
// then ends with the volume there; a create that fails later releases its references (and drops what it made), so
// the volume can be removed again. Real create path, SQLite stores and local volume driver on a temp dir (no root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../lib/logger.js';
import { isKind } from '../../core/errdefs.js';
import { openDatabase } from '../../drivers/metadata-store/database.js';
import { SqliteContainerStore } from '../../drivers/container-store-sqlite/sqlite-container-store.js';
import { LocalContainerFiles } from '../../drivers/container-files/local-container-files.js';
import { SqliteVolumeStore } from '../../drivers/volume-local/sqlite-volume-store.js';
import { LocalVolumeDriver } from '../../drivers/volume-local/local-volume-driver.js';
import { FakeSnapshotter } from '../images/fake-snapshotter.js';
import type { ContainerCreateRequest } from '../../spec/docker/containers.js';
import { createContainer, type CreateDeps } from '../containers/create-container.js';
import { VolumeService } from './volume-service.js';

interface World {
  deps: CreateDeps;
  volumes: VolumeService;
  containers: SqliteContainerStore;
  /** Resolves when the first create reaches the pause point; it goes on once release() is called. */
  held(): Promise<void>;
  release(): void;
}

async function withWorld(body: (w: World) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-volrace-'));
  const db = openDatabase({ root: dir });
  let reached: () => void = () => undefined;
  const onHold = new Promise<void>((r) => (reached = r));
  let release: () => void = () => undefined;
  let armed = true;
  try {
    const driver = new LocalVolumeDriver({ root: join(dir, 'volumes') });
    await driver.init();
    const volumes = new VolumeService({
      store: new SqliteVolumeStore(db),
      driver,
      events: { publish: () => undefined },
      logger: silentLogger(),
      // As berthd's (daemon/test-pause-point.ts): only the first create to get there is held.
      pausePoint: () => {
        if (armed === false) return Promise.resolve();
        armed = false;
        const go = new Promise<void>((r) => (release = r));
        reached();
        return go;
      },
    });
    const containers = new SqliteContainerStore(db);
    volumes.setUsers(() => containers.list().map((c) => ({ id: c.id, running: false, mounts: c.mounts })));
    const deps: CreateDeps = {
      store: containers,
      images: {
        resolve: async () => ({ id: `sha256:${'1'.repeat(64)}`, config: { Cmd: ['true'] }, topChainId: undefined }),
        idsFor: () => [],
      },
      snapshots: new FakeSnapshotter(),
      files: new LocalContainerFiles({ root: join(dir, 'containers') }),
      storageDriver: 'native',
      volumes,
    };
    await body({
      deps,
      volumes,
      containers,
      held: () => onHold,
      release: () => release(),
    });
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const using = (bind: string): ContainerCreateRequest =>
  ({ Image: 'busybox', HostConfig: { NetworkMode: 'none', Binds: [bind] } }) as ContainerCreateRequest;

/** `volume prune --all`: named volumes too. */
const ALL = new Map([['all', ['true']]]);

const exists = (volumes: VolumeService, name: string): boolean => {
  try {
    volumes.inspect(name);
    return true;
  } catch (err) {
    if (isKind(err, 'NotFound')) return false;
    throw err;
  }
};

test('volume rm and prune while a create using the volume is in flight: in use, and the volume stays', () =>
  withWorld(async (w) => {
    await w.volumes.create({ Name: 'data' });
    const creating = createContainer(w.deps, using('data:/d'), 'user');
    await w.held();
    let message = '';
    await assert.rejects(w.volumes.remove('data', { force: false }), (err: Error) => {
      assert.ok(isKind(err, 'Conflict'), String(err));
      message = err.message;
      return true;
    });
    const pruned = await w.volumes.prune(ALL, { apiAtLeast142: true });
    assert.deepEqual(pruned.VolumesDeleted, []);
    w.release();
    const created = await creating;
    assert.equal(message, `remove data: volume is in use - [${created.id}]`);
    assert.ok(exists(w.volumes, 'data'), 'the volume the stored container names is there');
    assert.deepEqual(
      w.containers.get(created.id)?.mounts.map((m) => m.Name),
      ['data'],
    );
    // The record now keeps it in use; once the container is gone, the volume can go.
    await assert.rejects(w.volumes.remove('data', { force: false }), (err: Error) => isKind(err, 'Conflict'));
    w.containers.delete(created.id);
    await w.volumes.remove('data', { force: false });
  }));

test('a volume a create makes is in use from its making, not only from the record', () =>
  withWorld(async (w) => {
    const creating = createContainer(w.deps, using('fresh:/d'), 'maker');
    await w.held();
    assert.ok(exists(w.volumes, 'fresh'));
    const pruned = await w.volumes.prune(ALL, { apiAtLeast142: true });
    assert.deepEqual(pruned.VolumesDeleted, []);
    w.release();
    await creating;
    assert.ok(exists(w.volumes, 'fresh'));
  }));

test('a create that fails after referencing releases the reference and drops only the volumes it made', () =>
  withWorld(async (w) => {
    await w.volumes.create({ Name: 'kept' });
    const failing: CreateDeps = {
      ...w.deps,
      snapshots: Object.assign(new FakeSnapshotter(), {
        prepare: () => Promise.reject(new Error('no space left on device')),
      }),
    };
    const request = using('kept:/k');
    request.HostConfig!.Binds!.push('made:/m');
    const creating = createContainer(failing, request, 'fails');
    await w.held();
    w.release();
    await assert.rejects(creating, /no space left on device/);
    assert.ok(!exists(w.volumes, 'made'), 'the volume the failed create made is gone');
    assert.ok(exists(w.volumes, 'kept'));
    await w.volumes.remove('kept', { force: false });
  }));

test('many creates sharing one volume while prune runs: every stored container names a volume that exists', () =>
  withWorld(async (w) => {
    await w.volumes.create({ Name: 'shared' });
    // Only the first create is held: prune runs inside its window, the others race it freely.
    const creates = Array.from({ length: 20 }, (_, i) => createContainer(w.deps, using('shared:/s'), `c${i}`));
    await w.held();
    const prunes = [
      w.volumes.prune(ALL, { apiAtLeast142: true }),
      w.volumes.remove('shared', { force: false }).catch((err: Error) => err),
    ];
    w.release();
    await Promise.all([...creates, ...prunes]);
    assert.equal(w.containers.list().length, 20);
    assert.ok(exists(w.volumes, 'shared'));
  }));
