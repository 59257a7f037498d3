import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamTokens, TOKEN_TTL_MS } from './stream-tokens.js';

test('a streaming token serves once, and not after a minute', () => {
  let now = 1000;
  const tokens = new StreamTokens<string>(() => now);
  const a = tokens.issue('exec a');
  const b = tokens.issue('exec b');
  assert.match(a, /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(a, b);
  assert.equal(tokens.take(a), 'exec a');
  assert.equal(tokens.take(a), undefined);
  now += TOKEN_TTL_MS;
  assert.equal(tokens.take(b), undefined);
  assert.equal(tokens.take('made-up'), undefined);
});
