import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSignal } from './signals.js';

test('signal names with and without SIG, any case, and numbers', () => {
  assert.equal(parseSignal('SIGTERM'), 15);
  assert.equal(parseSignal('TERM'), 15);
  assert.equal(parseSignal('term'), 15);
  assert.equal(parseSignal('15'), 15);
  assert.equal(parseSignal('SIGKILL'), 9);
  assert.equal(parseSignal('HUP'), 1);
});

test('real-time signals count from RTMIN and RTMAX', () => {
  assert.equal(parseSignal('SIGRTMIN'), 34);
  assert.equal(parseSignal('SIGRTMIN+3'), 37);
  assert.equal(parseSignal('RTMAX-1'), 63);
  assert.throws(() => parseSignal('SIGRTMIN+31'), /Invalid signal: SIGRTMIN\+31/);
});

test("unknown names and out-of-range numbers get Docker's error", () => {
  assert.throws(
    () => parseSignal('SIGFOO'),
    (e: Error) => e.message === 'Invalid signal: SIGFOO',
  );
  assert.throws(() => parseSignal('0'), /Invalid signal: 0/);
  assert.throws(() => parseSignal('65'), /the linux daemon does not support signal 65/);
  assert.throws(() => parseSignal('-1'), /the linux daemon does not support signal -1/);
  assert.throws(() => parseSignal(''), /Invalid signal/);
});
