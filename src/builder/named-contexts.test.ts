import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findNamedContext, namedContextKey, type NamedContext } from './named-contexts.js';

test('a reference is looked up as BuildKit normalises it: familiar, without :latest', () => {
  assert.equal(namedContextKey('alpine'), 'alpine');
  assert.equal(namedContextKey('docker.io/library/alpine:latest'), 'alpine');
  assert.equal(namedContextKey('alpine:3.17'), 'alpine:3.17');
  assert.equal(namedContextKey('localhost:5000/app'), 'localhost:5000/app');
  assert.equal(namedContextKey('Bad Name'), undefined);
  const named = new Map<string, NamedContext>([['alpine', { kind: 'image', ref: 'busybox:1' }]]);
  assert.deepEqual(findNamedContext(named, 'docker.io/library/alpine'), { kind: 'image', ref: 'busybox:1' });
  assert.equal(findNamedContext(named, 'alpine:3.17'), undefined);
  assert.equal(findNamedContext(undefined, 'alpine'), undefined);
});
