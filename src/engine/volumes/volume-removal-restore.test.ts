// A volume's removal cut at each of its points (the crash hook throws there, as berthd's would SIGKILL), then a
// restart (a new service's restore() over the same database and directory): the volume is wholly gone, or wholly
// there with its labels and driver options; never adopted back as a plain volume. Real SQLite store and local driver
// on a temp dir (plain directories: no mounts, no root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { silentLogger } from '../../lib/logger.js';
import { isKind } from '../../core/errdefs.js';
import { openDatabase } from '../../drivers/metadata-store/database.js';
import { SqliteVolumeStore } from '../../drivers/volume-local/sqlite-volume-store.js';
import { LocalVolumeDriver } from '../../drivers/volume-local/local-volume-driver.js';
import { VolumeService, type VolumeRemovalCrashPoint } from './volume-service.js';

const TYPED = { Labels: { team: 'a' }, DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } };

interface World {
  root: string;
  db: Database;
  /** A daemon's volume service over the world's store and directory, restored as at start-up. */
  daemon(crashAt?: VolumeRemovalCrashPoint, store?: SqliteVolumeStore): Promise<VolumeService>;
  entries(): Promise<string[]>;
}

async function withWorld(body: (w: World) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-volrm-'));
  const db = openDatabase({ root: dir });
  const root = join(dir, 'volumes');
  const world: World = {
    root,
    db,
    async daemon(crashAt, store = new SqliteVolumeStore(db)) {
      const driver = new LocalVolumeDriver({ root });
      await driver.init();
      const service = new VolumeService({
        store,
        driver,
        events: { publish: () => undefined },
        logger: silentLogger(),
        crashPoint: (point) => {
          if (point === crashAt) throw new Error(`crashed at ${point}`);
        },
      });
      await service.restore();
      return service;
    },
    entries: async () => (await readdir(root)).sort(),
  };
  try {
    await body(world);
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const gone = (service: VolumeService, name: string): boolean => {
  try {
    service.inspect(name);
    return false;
  } catch (err) {
    return isKind(err, 'NotFound');
  }
};

for (const point of ['volume-set-aside', 'volume-record-deleted'] as const) {
  test(`a typed volume's removal cut at ${point}: gone after the restart, record and directories`, async () => {
    await withWorld(async (w) => {
      const first = await w.daemon(point);
      // A name ending like the set-aside suffix (hex) still reads back whole.
      await first.create({ Name: 'typed-0ff', ...TYPED });
      await assert.rejects(first.remove('typed-0ff', { force: false }), /crashed at/);
      assert.equal((await w.entries()).filter((e) => e.startsWith('.removing-typed-0ff-')).length, 1);
      const next = await w.daemon();
      assert.ok(gone(next, 'typed-0ff'), 'no record after the restart');
      assert.deepEqual(await w.entries(), [], 'no directory, live or set aside');
      assert.deepEqual(
        next.list(new Map()).map((v) => v.record.name),
        [],
      );
    });
  });
}

test('a removal cut after its record, the name made again before the restart: the new volume stays whole', async () => {
  await withWorld(async (w) => {
    const first = await w.daemon('volume-record-deleted');
    await first.create({ Name: 'again', Labels: { old: '1' } });
    await assert.rejects(first.remove('again', { force: false }), /crashed at/);
    await first.create({ Name: 'again', ...TYPED });
    const next = await w.daemon();
    const { record } = next.inspect('again');
    assert.deepEqual([record.labels, record.options], [TYPED.Labels, TYPED.DriverOpts]);
    assert.deepEqual(await w.entries(), ['again'], 'the set-aside directory deleted, the live one kept');
  });
});

test("an uncut removal leaves nothing; one whose record's deletion fails puts the directory back", async () => {
  await withWorld(async (w) => {
    const service = await w.daemon();
    await service.create({ Name: 'plain' });
    await service.remove('plain', { force: false });
    assert.ok(gone(service, 'plain'));
    assert.deepEqual(await w.entries(), []);

    class FailingDelete extends SqliteVolumeStore {
      override delete(): void {
        throw new Error('disk I/O error');
      }
    }
    const failing = await w.daemon(undefined, new FailingDelete(w.db));
    await failing.create({ Name: 'kept', ...TYPED });
    await assert.rejects(failing.remove('kept', { force: false }), /disk I\/O error/);
    assert.deepEqual(failing.inspect('kept').record.options, TYPED.DriverOpts);
    assert.deepEqual(await w.entries(), ['kept']);
    assert.deepEqual(await readdir(join(w.root, 'kept')), ['_data']);
  });
});

test('restarts with nothing cut change nothing: a typed volume keeps its labels and options', async () => {
  await withWorld(async (w) => {
    await (await w.daemon()).create({ Name: 'stay', ...TYPED });
    const { record } = (await w.daemon()).inspect('stay');
    assert.deepEqual([record.labels, record.options], [TYPED.Labels, TYPED.DriverOpts]);
  });
});
