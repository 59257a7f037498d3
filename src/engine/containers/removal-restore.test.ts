// A removal's anonymous volumes across a daemon's death: the intent stored when the removal began is finished at the
// next start (the volumes go), dropped when the removal never committed, and never takes a volume another container
// names. The engine's crash points (LifecycleEngine.crashAt) stop a removal where a kill -9 would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLifecycleEngine, type LifecycleEngine } from '../../../test/helpers/lifecycle-engine.js';

/** A running container with one anonymous volume (and one named, `keep`); returns its id and the anonymous name. */
async function withVolumes(e: LifecycleEngine, extra: string[] = []): Promise<{ id: string; anon: string }> {
  const before = new Set(e.volumeNames());
  const id = await e.run({ Volumes: { '/data': {} }, HostConfig: { Binds: ['keep:/keep', ...extra] } });
  const anon = e.volumeNames().find((n) => !before.has(n) && n !== 'keep');
  assert.ok(anon, 'an anonymous volume made');
  return { id, anon };
}

const crashed = (err: Error) => /crashed at/.test(err.message);

test('rm -v cut off after the record went: the next start removes the anonymous volume, keeps the named one', () =>
  withLifecycleEngine(async (e) => {
    const { id, anon } = await withVolumes(e);
    e.crashAt = 'record-deleted';
    await assert.rejects(e.service.remove(id, { force: true, volumes: true }), crashed);
    assert.equal(e.store.get(id), undefined, 'the record went');
    assert.ok(e.volumeNames().includes(anon), 'the volume is still there: the window');
    await e.daemonRestart();
    assert.deepEqual(e.volumeNames(), ['keep']);
  }));

test('AutoRemove cut off after the record went: the next start removes the anonymous volume', () =>
  withLifecycleEngine(async (e) => {
    const { id, anon } = await withVolumes(e);
    e.crashAt = 'record-deleted';
    await assert.rejects(e.service.remove(id, { force: true, volumes: true, answerBeforeFiles: true }), crashed);
    assert.ok(e.volumeNames().includes(anon));
    await e.daemonRestart();
    assert.deepEqual(e.volumeNames(), ['keep']);
  }));

test('rm without -v cut off after the record went: the anonymous volume stays', () =>
  withLifecycleEngine(async (e) => {
    const { id, anon } = await withVolumes(e);
    e.crashAt = 'record-deleted';
    await assert.rejects(e.service.remove(id, { force: true, volumes: false }), crashed);
    await e.daemonRestart();
    assert.deepEqual(e.volumeNames().sort(), [anon, 'keep'].sort());
  }));

test('a removal cut off in its removing state is finished at start with or without its volumes, as asked', () =>
  withLifecycleEngine(async (e) => {
    for (const volumes of [true, false]) {
      const { id, anon } = await withVolumes(e);
      // Stopped first: the fake daemon lives on after its "crash", and a running one's exit watch would record over
      // the 'removing' state that a dead daemon leaves.
      await e.service.stop(id, {});
      e.crashAt = 'removal-begun';
      await assert.rejects(e.service.remove(id, { force: true, volumes }), crashed);
      assert.equal(e.record(id).state.status, 'removing');
      await e.daemonRestart();
      assert.equal(e.store.get(id), undefined, 'the removal was finished');
      assert.equal(e.volumeNames().includes(anon), !volumes, `volumes ${volumes}`);
    }
  }));

test('a volume another container names stays, and its intent does not outlive the restart', () =>
  withLifecycleEngine(async (e) => {
    const { id, anon } = await withVolumes(e);
    const other = await e.create({ HostConfig: { Binds: [`${anon}:/shared`] } });
    e.crashAt = 'record-deleted';
    await assert.rejects(e.service.remove(id, { force: true, volumes: true }), crashed);
    await e.daemonRestart();
    assert.ok(e.volumeNames().includes(anon), 'kept: another container mounts it');
    // Its user goes without -v: nothing of the earlier intent takes the volume at a later start.
    await e.service.remove(other, { force: true, volumes: false });
    await e.daemonRestart();
    assert.ok(e.volumeNames().includes(anon), 'still kept');
  }));

test('an intent whose container was never marked removing (a crash in between) is dropped: container and volume stay', () =>
  withLifecycleEngine(async (e) => {
    const { id, anon } = await withVolumes(e);
    await e.service.stop(id, {});
    e.volumes.intendRemoval(id, e.record(id).mounts);
    await e.daemonRestart();
    assert.equal(e.record(id).state.status, 'exited', 'the removal is rolled back');
    assert.ok(e.volumeNames().includes(anon));
    // A later plain rm replaces nothing that could take the volume.
    await e.service.remove(id, { force: false, volumes: false });
    await e.daemonRestart();
    assert.ok(e.volumeNames().includes(anon));
  }));

test('a volume whose directory outlived its record (adopted at start) is removed when an intent names it', () =>
  withLifecycleEngine(async (e) => {
    const { id, anon } = await withVolumes(e);
    e.crashAt = 'record-deleted';
    await assert.rejects(e.service.remove(id, { force: true, volumes: true }), crashed);
    // The daemon died between the volume's record and its directory: start-up adopts the directory.
    const path = e.volumes.dataPath(anon);
    (e as unknown as { db: { prepare(sql: string): { run(n: string): void } } }).db
      .prepare('DELETE FROM volumes WHERE name = ?')
      .run(anon);
    await e.daemonRestart();
    assert.deepEqual(e.volumeNames(), ['keep']);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(path), false, 'its directory went too');
  }));

test('a create cut off after making its anonymous volume, before its record: the next start removes the volume', () =>
  withLifecycleEngine(async (e) => {
    // The layer never comes: the create stays between its volumes and its record, where a kill -9 would find it.
    const prepare = e.snapshots.prepare.bind(e.snapshots);
    e.snapshots.prepare = () => new Promise(() => undefined);
    void e.create({ Volumes: { '/data': {} }, HostConfig: { Binds: ['keep:/keep'] } });
    while (e.volumeNames().length < 2) await new Promise((r) => setImmediate(r));
    e.snapshots.prepare = prepare;
    assert.deepEqual(e.store.list(), [], 'no record');
    await e.daemonRestart();
    assert.deepEqual(e.volumeNames(), ['keep'], 'the anonymous volume went, the named one stays');
    // A create that completes keeps its volume across restarts (its guard is dropped at start).
    const id = await e.create({ Volumes: { '/data': {} } });
    await e.daemonRestart();
    await e.daemonRestart();
    assert.equal(e.volumeNames().length, 2);
    assert.equal(e.store.get(id)?.mounts.length, 1);
  }));
