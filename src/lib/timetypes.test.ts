import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTimestamp, parseGoDuration, parseTimeArg, timestampToNano, TimeParseError } from './timetypes.js';

const now = 1_700_000_000_250; // ms
const offsetSeconds = -new Date(now).getTimezoneOffset() * 60;

test('Go durations as time.ParseDuration reads them', () => {
  assert.equal(parseGoDuration('24h'), 24 * 3600e9);
  assert.equal(parseGoDuration('1h30m'), 5400e9);
  assert.equal(parseGoDuration('1.5h'), 5400e9);
  assert.equal(parseGoDuration('-10m'), -600e9);
  assert.equal(parseGoDuration('300ms'), 300e6);
  assert.equal(parseGoDuration('2µs'), 2000);
  assert.equal(parseGoDuration('.5s'), 5e8);
  assert.equal(parseGoDuration('0'), 0);
  for (const bad of ['', '10', '1d', 'h', '.s', '1h 30m', '2024-01-01', 'yesterday'])
    assert.equal(parseGoDuration(bad), undefined, bad);
});

test('GetTimestamp: a duration is that long before now, in whole seconds', () => {
  assert.equal(getTimestamp('24h', now), String(1_700_000_000 - 86_400));
  assert.equal(getTimestamp('10m', now), '1699999400');
  assert.equal(getTimestamp('1h30m', now), '1699994600');
  assert.equal(getTimestamp('0s', now), '1700000000');
  assert.equal(getTimestamp('-1h', now), '1700003600');
});

test('GetTimestamp: Unix timestamps pass through; "0" is a timestamp, not a duration', () => {
  assert.equal(getTimestamp('1700000000', now), '1700000000');
  assert.equal(getTimestamp('1700000000.123456789', now), '1700000000.123456789');
  assert.equal(getTimestamp('0', now), '0');
});

test('GetTimestamp: RFC 3339 dates and their prefixes, with a zone or in the local one', () => {
  assert.equal(getTimestamp('2020-01-01T00:00:00Z', now), '1577836800.000000000');
  assert.equal(getTimestamp('2020-01-01T00:00:00.5Z', now), '1577836800.500000000');
  assert.equal(getTimestamp('2020-01-01T01:00:00+01:00', now), '1577836800.000000000');
  assert.equal(getTimestamp('2020-01-01T00:00:00-02:30', now), '1577845800.000000000');
  assert.equal(getTimestamp('2020-01-01Z', now), '1577836800.000000000');
  assert.equal(getTimestamp('2020-01-01T05Z', now), '1577854800.000000000');
  assert.equal(getTimestamp('2020-01-01T05:30Z', now), '1577856600.000000000');
  assert.equal(getTimestamp('2020-01-01T00:00:00.123456789123Z', now), '1577836800.123456789');
  assert.equal(getTimestamp('2020-01-01', now), `${1577836800 - offsetSeconds}.000000000`);
  assert.equal(getTimestamp('2020-01-01T00:00:00', now), `${1577836800 - offsetSeconds}.000000000`);
  assert.equal(getTimestamp('2020-01-01T00:00:00.25', now), `${1577836800 - offsetSeconds}.250000000`);
});

test('GetTimestamp refuses what is neither, with Docker messages', () => {
  assert.throws(
    () => getTimestamp('yesterday', now),
    (e: unknown) =>
      e instanceof TimeParseError && e.message === 'failed to parse value as time or duration: "yesterday"',
  );
  assert.throws(
    () => getTimestamp('24', now) && getTimestamp('24x', now),
    /failed to parse value as time or duration: "24x"/,
  );
  assert.throws(() => getTimestamp('2020-13-01', now), /month out of range/);
  assert.throws(() => getTimestamp('2020-02-30', now), /day out of range/);
  assert.throws(() => getTimestamp('2020-01-01T25:00:00Z', now), /out of range/);
  assert.throws(() => getTimestamp('2020-01-01 00:00', now), TimeParseError);
});

test('ParseTimestamps: the fraction is scaled by its length; parseTimeArg composes both', () => {
  assert.equal(timestampToNano('1700000000'), 1_700_000_000_000_000_000n);
  assert.equal(timestampToNano('1700000000.5'), 1_700_000_000_500_000_000n);
  assert.equal(timestampToNano('1.000000001'), 1_000_000_001n);
  assert.throws(() => timestampToNano('1.'), TimeParseError);
  assert.equal(parseTimeArg('24h', now), (1_700_000_000n - 86_400n) * 1_000_000_000n);
  assert.equal(parseTimeArg('2020-01-01T00:00:00.5Z', now), 1_577_836_800_500_000_000n);
});
