import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conmonSizeCap, DEFAULT_LOG_POLICY, logPolicy, parseRamSize, rotatedNames } from './log-policy.js';

test('sizes as go-units reads them: binary multiples, optional i/b suffix, any case', () => {
  assert.equal(parseRamSize('100'), 100);
  assert.equal(parseRamSize('10k'), 10240);
  assert.equal(parseRamSize('10m'), 10 * 1024 * 1024);
  assert.equal(parseRamSize('1.5G'), 1.5 * 1024 ** 3);
  assert.equal(parseRamSize('2MiB'), 2 * 1024 * 1024);
  assert.equal(parseRamSize('3mb'), 3 * 1024 * 1024);
  assert.throws(() => parseRamSize('10x'), /invalid size: '10x'/);
  assert.throws(() => parseRamSize(''), /invalid size/);
});

test('rotation is on by default; max-size and max-file override it', () => {
  assert.deepEqual(logPolicy(undefined), DEFAULT_LOG_POLICY);
  assert.deepEqual(logPolicy({ 'max-size': '1m' }), { maxSize: 1024 * 1024, maxFile: DEFAULT_LOG_POLICY.maxFile });
  assert.deepEqual(logPolicy({ 'max-size': '2k', 'max-file': '3' }), { maxSize: 2048, maxFile: 3 });
  assert.deepEqual(logPolicy({}, { maxSize: 7, maxFile: 2 }), { maxSize: 7, maxFile: 2 });
});

test("bad log options get Docker's errors", () => {
  assert.throws(() => logPolicy({ 'max-file': '0' }), /max-file cannot be less than 1/);
  assert.throws(() => logPolicy({ 'max-file': 'x' }), /invalid syntax/);
  assert.throws(() => logPolicy({ 'max-size': 'big' }), /invalid size: 'big'/);
  assert.throws(() => logPolicy({ bogus: '1' }), /unknown log opt 'bogus'/);
});

test("conmon's own cap is the policy with one file, a backstop above max-size otherwise", () => {
  assert.equal(conmonSizeCap({ maxSize: 1000, maxFile: 1 }), 1000);
  assert.ok(conmonSizeCap({ maxSize: 1000, maxFile: 3 }) > 1000);
  assert.deepEqual(rotatedNames('/l/c.log', 3), ['/l/c.log.1', '/l/c.log.2']);
  assert.deepEqual(rotatedNames('/l/c.log', 1), []);
});
