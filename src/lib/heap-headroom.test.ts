import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHeapHeadroom } from './heap-headroom.js';

test('withHeapHeadroom passes the result and the failure of its body through, nested or not', async () => {
  assert.equal(await withHeapHeadroom(() => withHeapHeadroom(async () => 42)), 42);
  await assert.rejects(
    withHeapHeadroom(async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  // Released after the failure: the next holder sets the flag again and ends cleanly.
  assert.equal(await withHeapHeadroom(async () => 'again'), 'again');
});
