import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetachScanner, parseDetachKeys } from './detach-keys.js';

test('detach keys parse as Docker spells them', () => {
  assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [16, 17]);
  assert.deepEqual([...parseDetachKeys('a,ctrl-@,ctrl-_,CTRL-A')], [97, 0, 31, 1]);
  assert.deepEqual([...parseDetachKeys('')], [16, 17]);
  assert.throws(() => parseDetachKeys('ctrl-1'), /Invalid detach keys \(ctrl-1\) provided/);
  assert.throws(() => parseDetachKeys('foo'), /Invalid detach keys \(foo\) provided/);
  assert.throws(() => parseDetachKeys('a,,b'), /Invalid detach keys/);
});

test('the scanner swallows the sequence, holds a prefix and releases a broken one', () => {
  const s = new DetachScanner(Buffer.from([16, 17]));
  assert.deepEqual(s.feed(Buffer.from('ab\x10')), { pass: Buffer.from('ab'), detach: false });
  assert.deepEqual(s.feed(Buffer.from('x')), { pass: Buffer.from('\x10x'), detach: false });
  assert.deepEqual(s.feed(Buffer.from('\x10\x10')), { pass: Buffer.from('\x10'), detach: false });
  assert.deepEqual(s.feed(Buffer.from('\x11rest')), { pass: Buffer.from(''), detach: true });
});
