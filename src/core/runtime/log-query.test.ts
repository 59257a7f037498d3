import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logsTail, logsTimestampNano } from './log-query.js';

test("logs' tail: an integer >= 0, anything else every line (dockerd's Atoi fallback)", () => {
  assert.equal(logsTail('3'), 3);
  assert.equal(logsTail('+3'), 3);
  assert.equal(logsTail('0'), 0);
  for (const v of [undefined, 'all', '', 'abc', '-1', '1.5', ' 2']) assert.equal(logsTail(v), undefined, String(v));
});

test("logs' since/until: seconds[.fraction] only, strconv's words otherwise", () => {
  assert.equal(logsTimestampNano('10'), 10_000_000_000n);
  assert.equal(logsTimestampNano('-5'), -5_000_000_000n);
  assert.equal(logsTimestampNano('1.5'), 1_500_000_000n);
  assert.equal(logsTimestampNano('1.000000001'), 1_000_000_001n);
  assert.throws(() => logsTimestampNano('abc'), { message: 'strconv.ParseInt: parsing "abc": invalid syntax' });
  assert.throws(() => logsTimestampNano('1h'), { message: 'strconv.ParseInt: parsing "1h": invalid syntax' });
  assert.throws(() => logsTimestampNano('1.5.3'), { message: 'strconv.ParseInt: parsing "5.3": invalid syntax' });
  assert.throws(() => logsTimestampNano('99999999999999999999'), /value out of range/);
});
