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

test('generated names avoid taken ones', () => {
  const taken = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const name = generateContainerName((n) => taken.has(n));
    assert.match(name, /^[a-z]+_[a-z]+\d*(_\d+)?$/);
    assert.equal(taken.has(name), false);
    taken.add(name);
  }
});
