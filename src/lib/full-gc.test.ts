import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapSpaceStatistics } from 'node:v8';
import { fullGarbageCollection, lowMemoryCollection } from './full-gc.js';

const newSpaceBytes = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;

/** Many objects that survive a scavenge or two, as a burst of requests leaves them: V8 grows its young generation. */
function burst(): void {
  let window: object[][] = [];
  for (let round = 0; round < 30; round++) {
    const batch: object[] = [];
    for (let i = 0; i < 50_000; i++) batch.push({ i, s: `item ${i}`, pair: [i, i + 1] });
    window.push(batch);
    if (window.length > 3) window.shift();
  }
  window = [];
}

test('lowMemoryCollection shrinks the young generation a burst grew; a plain full collection does not', async () => {
  burst();
  fullGarbageCollection();
  const afterPlain = newSpaceBytes();
  assert.ok(afterPlain > 4 * 1024 * 1024, `the burst grew the young generation (${afterPlain} bytes)`);
  await lowMemoryCollection();
  const afterLow = newSpaceBytes();
  assert.ok(afterLow * 2 <= afterPlain, `young generation ${afterPlain} bytes after gc(), ${afterLow} after`);
});
