// ImageService against a fake snapshotter, with the real local content store and SQLite records on a temp
// dir: unpack once per chain id, Docker's rmi semantics, prune, and bad archives leaving nothing behind.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Database } from 'better-sqlite3';
import { silentLogger } from '../../lib/logger.js';
import { nullPublisher } from '../../core/events/event.js';
import { isKind } from '../../core/errdefs.js';
import { LocalContentStore } from '../../drivers/content-local/local-content-store.js';
import { openDatabase } from '../../drivers/metadata-store/database.js';
import { SqliteImageRecords } from '../../drivers/metadata-store/sqlite-image-records.js';
import { dockerArchiveOf } from '../../../test/fixtures/docker-archive.js';
import { ImageService } from './image-service.js';
import { FakeSnapshotter } from './fake-snapshotter.js';

let dir: string;
let db: Database;
let content: LocalContentStore;
let snapshots: FakeSnapshotter;
let images: ImageService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-images-unit-'));
  db = openDatabase({ root: dir });
  content = new LocalContentStore({ root: join(dir, 'content') });
  snapshots = new FakeSnapshotter();
  images = new ImageService({
    records: new SqliteImageRecords(db),
    content,
    snapshots,
    events: nullPublisher,
    logger: silentLogger(),
  });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

// Two zero blocks make an empty tar; more zeros make a different (still valid) layer.
const emptyLayer = (blocks = 2): Buffer => Buffer.alloc(512 * blocks);
const load = async (tag: string, layer = emptyLayer()): Promise<string[]> =>
  images.load(Readable.from([await dockerArchiveOf(layer, tag)]));
const rejectsWith = async (promise: Promise<unknown>, kind: string, message: RegExp): Promise<void> =>
  assert.rejects(promise, (err: unknown) => isKind(err, kind as never) && message.test((err as Error).message));

test('a load registers the image under its names and unpacks each chain id once', async () => {
  assert.deepEqual(await load('busybox'), ['Loaded image: busybox:latest']);
  assert.deepEqual(await load('other/name:v2'), ['Loaded image: other/name:v2']);
  assert.equal(snapshots.applied, 1);
  assert.equal((await images.list({ all: true, filters: new Map() })).length, 1);
  assert.equal(images.find('other/name:v2').id, images.find('docker.io/library/busybox:latest').id);
  assert.equal([...snapshots.snapshots.values()].filter((s) => s.kind === 'active').length, 0);
});

test('a reference filter lists only the names that match it, as Docker does', async () => {
  await load('busybox');
  await images.tag('busybox', 'mine/app', 'v1');
  const names = async (ref: string): Promise<string[][]> =>
    (await images.list({ all: false, filters: new Map([['reference', [ref]]]) })).map((v) => v.names);
  assert.deepEqual(await names('mine/app'), [['docker.io/mine/app:v1']]);
  assert.deepEqual(await names('busybox:*'), [['docker.io/library/busybox:latest']]);
  assert.deepEqual(await names('nothing'), []);
  assert.equal((await images.list({ all: false, filters: new Map() }))[0]?.names.length, 2);
});

test('rmi: names only untag; by ID needs force when several names; users block removal', async () => {
  await load('busybox');
  await images.tag('busybox', 'mine', 'v1');
  const id = images.find('busybox').id;
  await rejectsWith(
    images.remove(id.slice(7, 19), { force: false, noprune: false }),
    'Conflict',
    /must be forced\) - image is referenced in multiple repositories$/,
  );
  assert.deepEqual(await images.remove('mine:v1', { force: false, noprune: false }), [{ Untagged: 'mine:v1' }]);

  images.setUsage(() => [{ id: 'c'.repeat(64), running: false }]);
  await rejectsWith(
    images.remove('busybox', { force: false, noprune: false }),
    'Conflict',
    /^conflict: unable to remove repository reference "busybox" \(must force\) - container cccccccccccc is using its referenced image [a-f0-9]{12}$/,
  );
  images.setUsage(() => []);
  assert.deepEqual(await images.remove('busybox', { force: false, noprune: false }), [
    { Untagged: 'busybox:latest' },
    { Deleted: id },
  ]);
  assert.deepEqual(await content.list(), []);
  assert.equal(snapshots.snapshots.size, 0);
});

test('prune takes dangling images by default and all unused ones with dangling=false', async () => {
  await load('keep:1');
  await load('keep:1', emptyLayer(3)); // moves the name: the first image is now dangling
  assert.equal((await images.list({ all: true, filters: new Map([['dangling', ['true']]]) })).length, 1);
  const dangling = await images.prune(new Map());
  assert.equal(dangling.ImagesDeleted?.length, 1);
  assert.equal(images.count(), 1);
  const all = await images.prune(new Map([['dangling', ['false']]]));
  assert.deepEqual(
    all.ImagesDeleted?.map((i) => Object.keys(i)[0]),
    ['Untagged', 'Deleted'],
  );
  assert.equal(images.count(), 0);
  assert.deepEqual(await content.list(), []);
  assert.equal(snapshots.snapshots.size, 0);
});

test('a diff id mismatch or a garbage archive registers nothing and leaves no blob or snapshot', async () => {
  const wrong = await dockerArchiveOf(emptyLayer(), 'bad:1', `sha256:${'0'.repeat(64)}`);
  await rejectsWith(images.load(Readable.from([wrong])), 'InvalidArgument', /does not match its diff id/);
  await assert.rejects(images.load(Readable.from([Buffer.alloc(4096, 7)])));
  assert.equal(images.count(), 0);
  assert.deepEqual(await content.list(), []);
  assert.equal(snapshots.snapshots.size, 0);
});

test('references are looked up as Docker does', async () => {
  await load('busybox');
  await rejectsWith(
    Promise.resolve().then(() => images.find('nope')),
    'NotFound',
    /^No such image: nope:latest$/,
  );
  await rejectsWith(
    Promise.resolve().then(() => images.find('Bad:x')),
    'InvalidArgument',
    /invalid reference format/,
  );
  const id = images.find('busybox').id;
  assert.equal(images.find(id.slice(7, 12)).id, id);
});

test('prune until takes Go durations; unknown keys and bad times are refused; before/since compare instants', async () => {
  await rejectsWith(
    images.prune(new Map([['until', ['yesterday']]])),
    'InvalidArgument',
    /failed to parse value as time or duration: "yesterday"/,
  );
  await rejectsWith(images.prune(new Map([['reference', ['x']]])), 'InvalidArgument', /invalid filter 'reference'/);
  await load('old:1');
  await load('new:1', emptyLayer(3));
  // The fixture's configs carry no created time, so both were stamped at load: "until" a minute ago keeps both.
  assert.equal(
    (
      await images.prune(
        new Map([
          ['dangling', ['false']],
          ['until', ['1m']],
        ]),
      )
    ).ImagesDeleted,
    null,
  );
  assert.equal(images.count(), 2);
  const later = new Date(Date.now() + 60_000).toISOString();
  assert.equal(
    (
      await images.prune(
        new Map([
          ['dangling', ['false']],
          ['until', [later]],
        ]),
      )
    ).ImagesDeleted?.length,
    4,
  );
  assert.equal(images.count(), 0);
});

test('at start, extractions a crash cut off are dropped and committed layers kept', async () => {
  await load('busybox');
  await snapshots.prepare('extract-0123456789ab-sha256:feed', undefined);
  await snapshots.prepare('container-upper', images.find('busybox').layers[0]?.chainId);
  assert.equal(await images.dropInterruptedUnpacks(), 1);
  assert.deepEqual(
    [...snapshots.snapshots.keys()].sort(),
    [images.find('busybox').layers[0]?.chainId, 'container-upper'].sort(),
  );
});
