import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { limitMallocArenas, mallocTrim, startWriteback } from './libc.js';

const rssKiB = (): number => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

test('mallocTrim gives freed malloc memory back to the kernel', async () => {
  // Many small native allocations (Buffers below the pool size are not pooled when made with allocUnsafeSlow),
  // freed except every 64th: the survivors pin the heap, so free() alone cannot shrink it.
  const keep: Buffer[] = [];
  let chunks: Buffer[] | null = [];
  for (let i = 0; i < 40_000; i++) {
    const b = Buffer.allocUnsafeSlow(4000).fill(1);
    if (i % 64 === 0) keep.push(b);
    else chunks.push(b);
  }
  chunks = null;
  // A full collection frees the dropped Buffers' native memory (V8 calls free() for each).
  await new Promise((resolve) => setImmediate(resolve));
  setFlagsFromString('--expose-gc');
  // V8 frees ArrayBuffers' backing stores on a background thread after a collection by default, so the trim
  // could run before some free() calls (seen once in CI: 50 MB left instead of 100): swept during gc() here.
  setFlagsFromString('--no-concurrent-array-buffer-sweeping');
  (runInNewContext('gc') as () => void)();
  const before = rssKiB();
  assert.equal(await mallocTrim(), true);
  const after = rssKiB();
  assert.equal(keep.length, 625);
  // ~156 MB were freed; at least 100 MB of it must leave the process.
  assert.ok(before - after > 100_000, `RSS ${before} KiB before the trim, ${after} KiB after`);
});

test('limitMallocArenas is accepted by glibc', () => {
  // mallopt answers 1 for a parameter and value it takes, 0 otherwise: a wrong constant would read false here.
  assert.equal(limitMallocArenas(2), true);
});

test('startWriteback asks the kernel to write a file out; a closed descriptor is refused, not thrown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'writeback-'));
  try {
    const file = await open(join(dir, 'f'), 'w');
    await file.write(Buffer.alloc(1024 * 1024, 1));
    assert.equal(await startWriteback(file.fd), true);
    const fd = file.fd;
    await file.close();
    assert.equal(await startWriteback(fd), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
