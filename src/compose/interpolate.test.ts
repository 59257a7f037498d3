import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolateString, interpolateTree } from './interpolate.js';

const env: Record<string, string> = { SET: 'value', EMPTY: '', FOO: 'foo' };
const lookup = (n: string): string | undefined => env[n];
const i = (s: string): string => interpolateString(s, lookup, 'x');

test('plain and braced variables, and $$ as a literal $', () => {
  assert.equal(i('$SET and ${SET}'), 'value and value');
  assert.equal(i('$$SET costs $$5'), '$SET costs $5');
  assert.equal(i('a $ alone, $1 and ${SET}x'), 'a $ alone, $1 and valuex');
});

test('defaults: :- for unset or empty, - for unset only', () => {
  assert.equal(i('${UNSET:-d}'), 'd');
  assert.equal(i('${EMPTY:-d}'), 'd');
  assert.equal(i('${EMPTY-d}'), '');
  assert.equal(i('${UNSET-d}'), 'd');
  assert.equal(i('${SET:-d}'), 'value');
});

test('nested defaults', () => {
  assert.equal(i('${UNSET:-${FOO}}'), 'foo');
  assert.equal(i('${UNSET:-${ALSO:-deep}}'), 'deep');
  assert.equal(i('${UNSET:-a ${FOO} b}'), 'a foo b');
});

test('required variables: :? for unset or empty, ? for unset only', () => {
  assert.throws(() => i('${UNSET:?set it please}'), /required variable UNSET is missing a value: set it please/);
  assert.throws(() => i('${EMPTY:?no}'), /required variable EMPTY/);
  assert.equal(i('${EMPTY?no}'), '');
  assert.throws(() => i('${UNSET?no}'), /required variable UNSET/);
});

test('replacements: :+ when set and non-empty, + when set', () => {
  assert.equal(i('${SET:+yes}'), 'yes');
  assert.equal(i('${EMPTY:+yes}'), '');
  assert.equal(i('${EMPTY+yes}'), 'yes');
  assert.equal(i('${UNSET+yes}'), '');
});

test('bad syntax is an error naming the value', () => {
  assert.throws(
    () => interpolateString('${', lookup, 'services.web.image'),
    /invalid interpolation format for services.web.image/,
  );
  assert.throws(() => i('${-x}'), /invalid interpolation format/);
  assert.throws(() => i('${SET/a/b}'), /invalid interpolation format/);
});

test('unset variables without a default become empty and are reported', () => {
  const unset: string[] = [];
  assert.equal(interpolateString('[${NOPE}]', lookup, 'x', { onUnset: (n) => unset.push(n) }), '[]');
  assert.deepEqual(unset, ['NOPE']);
});

test('trees: values are interpolated, keys are not', () => {
  const out = interpolateTree({ $SET: ['${FOO}', 1, true, null], n: { k: '$SET' } }, lookup);
  assert.deepEqual(out, { $SET: ['foo', 1, true, null], n: { k: 'value' } });
});
