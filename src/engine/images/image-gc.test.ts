// ImageCollector beside writers, with the real local content store: holds are counted, a blob that appears while a
// collection lists the store is kept when its writer holds it, a blob held after marking is not deleted, and a
// layer snapshot held by chain id (an image being registered) is kept.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { silentLogger } from '../../lib/logger.js';
import type { Digest } from '../../lib/digest.js';
import { LocalContentStore } from '../../drivers/content-local/local-content-store.js';
import { openDatabase } from '../../drivers/metadata-store/database.js';
import { SqliteImageRecords } from '../../drivers/metadata-store/sqlite-image-records.js';
import { ImageCollector } from './image-gc.js';
import { FakeSnapshotter } from './fake-snapshotter.js';

let dir: string;
let db: Database;
let content: LocalContentStore;
let collector: ImageCollector;
let snapshots: FakeSnapshotter;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-gc-unit-'));
  db = openDatabase({ root: dir });
  content = new LocalContentStore({ root: join(dir, 'content') });
  snapshots = new FakeSnapshotter();
  collector = new ImageCollector({
    records: new SqliteImageRecords(db),
    content,
    snapshots,
    logger: silentLogger(),
    hidden: () => ({ list: () => [], pinned: () => ({ blobs: [], chains: [] }) }),
  });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a blob held by two operations is kept until both release it', async () => {
  const blob = await content.put('shared layer');
  const first = collector.pin([blob.digest]);
  const second = collector.pin([blob.digest]);
  first();
  await collector.collect();
  assert.equal(await content.has(blob.digest), true, 'the second hold still keeps it');
  second();
  await collector.collect();
  assert.equal(await content.has(blob.digest), false);
});

test('a blob written under a lease while a collection lists the store is kept', async () => {
  const lease = collector.lease();
  let written: Digest | undefined;
  const list = content.list.bind(content);
  // The writer finishes while the collection is listing: the blob is in the listing, unreferenced.
  content.list = async () => {
    written = (await content.put('fresh layer', { lease })).digest;
    return list();
  };
  await collector.collect();
  assert.ok(written);
  assert.equal(await content.has(written), true);
  lease.release();
  lease.release(); // idempotent: a second release must not drop someone else's hold
  await collector.collect();
  assert.equal(await content.has(written), false);
});

test('a stored blob held after marking, while other blobs are being deleted, is not deleted', async () => {
  const a = (await content.put('layer a')).digest;
  const b = (await content.put('layer b')).digest;
  const lease = collector.lease();
  const remove = content.delete.bind(content);
  // The first deletion: meanwhile a load finds the other blob already stored and holds it.
  content.delete = async (digest) => {
    lease.add(digest === a ? b : a);
    content.delete = remove;
    return remove(digest);
  };
  await collector.collect();
  const kept = [await content.has(a), await content.has(b)];
  assert.deepEqual(kept.sort(), [false, true]);
  lease.release();
});

test('a layer snapshot held by its chain id is kept until the lease is released', async () => {
  const chain: Digest = `sha256:${'c'.repeat(64)}`;
  await snapshots.prepare('extract-1', undefined);
  await snapshots.commit(chain, 'extract-1');
  const lease = collector.lease();
  lease.add(chain);
  await collector.collect();
  assert.equal(snapshots.snapshots.has(chain), true);
  lease.release();
  await collector.collect();
  assert.equal(snapshots.snapshots.has(chain), false);
});
