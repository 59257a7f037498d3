import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineErrorOf, isKind, notFound, conflict } from './errdefs.js';

test('isKind answers for the error itself, and for the first EngineError on its cause chain', () => {
  assert.equal(isKind(notFound('no such image'), 'NotFound'), true);
  assert.equal(isKind(notFound('no such image'), 'Conflict'), false);
  const wrapped = new Error('pull failed', { cause: new Error('layer 2', { cause: notFound('blob unknown') }) });
  assert.equal(isKind(wrapped, 'NotFound'), true);
  // The outermost kind wins: a Conflict caused by a NotFound is a Conflict.
  const outer = conflict('in use', notFound('inner'));
  assert.equal(isKind(outer, 'Conflict'), true);
  assert.equal(isKind(outer, 'NotFound'), false);
  assert.equal(isKind(new Error('plain'), 'NotFound'), false);
  assert.equal(isKind('not an error', 'NotFound'), false);
});

test('engineErrorOf stops on a cause cycle', () => {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  (a as { cause?: unknown }).cause = b;
  assert.equal(engineErrorOf(a), undefined);
});
