import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeArg } from './time-arg.js';

test('Go durations become Unix times that long ago; other values pass through', () => {
  const now = 1_700_000_000_000;
  assert.equal(timeArg('10m', now), '1699999400.000000000');
  assert.equal(timeArg('1h30m', now), '1699994600.000000000');
  assert.equal(timeArg('0s', now), '1700000000.000000000');
  assert.equal(timeArg('2024-01-02T03:04:05Z', now), '2024-01-02T03:04:05Z');
  assert.equal(timeArg('1700000000', now), '1700000000');
  assert.equal(timeArg(undefined, now), undefined);
});
