// The snapshot table's group commit: changes asked for together are written together, each settles only once
// its write landed, and one that throws leaves the others' result as if it had never been asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotMetadata, type SnapshotEntry } from './snapshot-metadata.js';

const entry = (dir: string): SnapshotEntry => ({ dir, kind: 'active', parent: undefined, created: '' });

test('concurrent updates all persist; a throwing one changes nothing and rejects alone', async () => {
  const root = await mkdtemp(join(tmpdir(), 'berth-snapmeta-'));
  try {
    const meta = new SnapshotMetadata(root);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        meta.update((t) => {
          if (i === 7) {
            t.half = entry('half');
            throw new Error('refused');
          }
          t[`k${i}`] = entry(`d${i}`);
          return i;
        }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
    assert.equal((results[7] as PromiseRejectedResult).reason.message, 'refused');
    assert.equal((results[8] as PromiseFulfilledResult<number>).value, 8);
    const onDisk = JSON.parse(await readFile(join(root, 'snapshots.json'), 'utf8')) as Record<string, SnapshotEntry>;
    assert.equal(Object.keys(onDisk).length, 49);
    assert.equal(onDisk.half, undefined);
    assert.deepEqual(await new SnapshotMetadata(root).read(), onDisk, 'a new reader sees what the writer saw');
    await meta.update((t) => delete t.k0);
    assert.equal((await new SnapshotMetadata(root).read()).k0, undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a change asked for as soon as another settles is written too (the writer never stops with work queued)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'berth-snapmeta-'));
  try {
    const meta = new SnapshotMetadata(root);
    const chained = (i: number): Promise<number> =>
      meta.update((t) => (t[`c${i}`] = entry(`c${i}`))).then(() => (i < 20 ? chained(i + 1) : i));
    assert.equal(await chained(0), 20);
    assert.equal(Object.keys(await new SnapshotMetadata(root).read()).length, 21);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
