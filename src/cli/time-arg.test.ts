import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeArg } from './time-arg.js';

test('--since/--until as the docker CLI sends them (GetTimestamp)', () => {
  const now = 1_700_000_000_000;
  assert.equal(timeArg('10m', now), '1699999400');
  assert.equal(timeArg('1h30m', now), '1699994600');
  assert.equal(timeArg('0s', now), '1700000000');
  assert.equal(timeArg('2024-01-02T03:04:05Z', now), '1704164645.000000000');
  assert.equal(timeArg('1700000000', now), '1700000000');
  assert.equal(timeArg(undefined, now), undefined);
  assert.throws(() => timeArg('later', now), /failed to parse value as time or duration: "later"/);
});
