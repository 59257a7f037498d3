import { test } from 'node:test';
import assert from 'node:assert/strict';
import { naturalCompare } from './natural-order.js';

test('natural order: digits by value, as docker lists volumes', () => {
  assert.deepEqual(['290e', 'vol10', '31d', 'vol2', '5ab', 'a', 'B'].sort(naturalCompare), [
    '5ab',
    '31d',
    '290e',
    'B',
    'a',
    'vol2',
    'vol10',
  ]);
});
