import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeName, familiarOf, parseReference, isImageId } from './reference.js';

test('normalises as Docker does', () => {
  assert.equal(normalizeName('busybox'), 'docker.io/library/busybox:latest');
  assert.equal(normalizeName('busybox:1.36'), 'docker.io/library/busybox:1.36');
  assert.equal(normalizeName('user/app'), 'docker.io/user/app:latest');
  assert.equal(normalizeName('localhost:5000/app:v1'), 'localhost:5000/app:v1');
  assert.equal(normalizeName('quay.io/a/b/c'), 'quay.io/a/b/c:latest');
  assert.equal(normalizeName(`busybox@sha256:${'a'.repeat(64)}`), `docker.io/library/busybox@sha256:${'a'.repeat(64)}`);
  assert.equal(normalizeName('index.docker.io/library/busybox'), 'docker.io/library/busybox:latest');
});

test('familiar names', () => {
  assert.equal(familiarOf('docker.io/library/busybox:latest'), 'busybox:latest');
  assert.equal(familiarOf('docker.io/user/app:v1'), 'user/app:v1');
  assert.equal(familiarOf('localhost:5000/app:v1'), 'localhost:5000/app:v1');
});

test('invalid references are refused with Docker message', () => {
  assert.throws(
    () => parseReference('Busybox'),
    /repository name \(library\/Busybox\) must be lowercase|must be lowercase/,
  );
  assert.throws(() => parseReference('bad name'), /invalid reference format/);
  assert.throws(() => parseReference('a:b:c'), /invalid reference format/);
  assert.throws(() => parseReference(''), /invalid reference format/);
  assert.throws(() => parseReference('x@sha256:12'), /invalid reference format/);
});

test('image ids', () => {
  assert.equal(isImageId('a'.repeat(64)), true);
  assert.equal(isImageId(`sha256:${'a'.repeat(64)}`), true);
  assert.equal(isImageId('abc'), false);
});
