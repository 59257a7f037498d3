import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateContainerName, normalizeContainerName } from './names.js';

test("names follow Docker's rules", () => {
  assert.equal(normalizeContainerName('/web'), 'web');
  assert.equal(normalizeContainerName('a.b_c-d'), 'a.b_c-d');
  assert.throws(() => normalizeContainerName('x'), /Invalid container name/);
  assert.throws(() => normalizeContainerName('-bad'), /Invalid container name/);
  assert.throws(() => normalizeContainerName('has space'), /only \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\] are allowed/);
});

const ID = '0123456789ab'.padEnd(64, 'c');

test('generated names avoid taken ones', () => {
  const taken = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const name = generateContainerName((n) => taken.has(n), ID);
    assert.match(name, /^[a-z]+_[a-z]+\d*$/);
    assert.equal(taken.has(name), false);
    taken.add(name);
  }
});

/** A random source that replays the given values, then repeats the last one. */
const replay = (...values: number[]) => {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] as number;
};

test("Docker's order: adjective_noun, then a digit appended on each retry, then the short id", () => {
  const seen: string[] = [];
  const name = generateContainerName(
    (n) => {
      seen.push(n);
      return !n.startsWith('0123');
    },
    ID,
    replay(0),
  );
  assert.equal(name, '0123456789ab');
  assert.deepEqual(seen, [
    'agile_anchor',
    'agile_anchor0',
    'agile_anchor0',
    'agile_anchor0',
    'agile_anchor0',
    'agile_anchor0',
    '0123456789ab',
  ]);
  const retried = generateContainerName((n) => n === 'agile_anchor', ID, replay(0, 0, 0, 0, 0.75));
  assert.equal(retried, 'agile_anchor7');
});

test('when even the short id is taken, a larger number is appended until a name is free', () => {
  const taken = (n: string) =>
    n.startsWith('agile_anchor') ? n.length < 'agile_anchor'.length + 6 : n === '0123456789ab';
  assert.equal(
    generateContainerName(taken, ID, replay(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5)),
    'agile_anchor500000',
  );
});

test('a broken random source ends in an error, not a hang', () => {
  assert.throws(() => generateContainerName(() => true, ID, replay(0)), /no free container name/);
});
