import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerfileAttrs } from './frontend-attrs.js';

test('buildx attributes become a build request', () => {
  const { filename, request } = dockerfileAttrs({
    filename: 'Dockerfile.dev',
    target: 'app',
    'build-arg:V': '2',
    'label:team': 'x',
    'no-cache': '',
    'force-network-mode': 'none',
    'add-hosts': 'db=10.0.0.2',
    'shm-size': '1048576',
    dockerfilekey: 'dockerfile',
  });
  assert.equal(filename, 'Dockerfile.dev');
  assert.equal(request.target, 'app');
  assert.deepEqual(request.buildArgs, { V: '2' });
  assert.deepEqual(request.labels, { team: 'x' });
  assert.equal(request.noCache, true);
  assert.equal(request.networkMode, 'none');
  assert.deepEqual(request.runHostConfig, { ExtraHosts: ['db:10.0.0.2'], ShmSize: 1048576 });
});

test('defaults: Dockerfile, cache on, default network', () => {
  const { filename, request } = dockerfileAttrs({});
  assert.equal(filename, 'Dockerfile');
  assert.equal(request.noCache, false);
  assert.equal(request.networkMode, undefined);
});

test('what berth cannot honour is refused by name', () => {
  assert.throws(() => dockerfileAttrs({ 'context:base': 'input:base' }), /named context base=input:base/);
  assert.throws(() => dockerfileAttrs({ 'context:src': 'https://example.com/r.git' }), /named context src=.*git/);
  assert.throws(() => dockerfileAttrs({ 'context:l': 'oci-layout://x:y@sha256:ab' }), /OCI layout/);
  assert.throws(() => dockerfileAttrs({ 'context:a::linux/amd64': 'docker-image://b' }), /for one platform/);
  assert.throws(() => dockerfileAttrs({ 'no-cache': 'build' }), /no-cache-filter build/);
  assert.throws(() => dockerfileAttrs({ ulimit: 'nofile=1024:1024' }), /frontend attribute ulimit/);
  assert.throws(() => dockerfileAttrs({ platform: 'linux/s390x' }), /platform linux\/s390x/);
  assert.throws(() => dockerfileAttrs({ 'force-network-mode': 'bridge2' }), /network mode bridge2/);
});

test('cache-imports (--cache-from) name the images whose inline cache to read; other importers are refused', () => {
  const imports = JSON.stringify([{ Type: 'registry', Attrs: { ref: 'localhost:5000/app:cache' } }]);
  assert.deepEqual(dockerfileAttrs({ 'cache-imports': imports }).request.inlineCacheFrom, ['localhost:5000/app:cache']);
  const local = JSON.stringify([{ Type: 'local', Attrs: { src: '/tmp/c' } }]);
  assert.throws(() => dockerfileAttrs({ 'cache-imports': local }), /cache importer local/);
  assert.throws(() => dockerfileAttrs({ 'cache-imports': '{' }), /invalid cache-imports/);
});

test('named contexts (--build-context): a session directory or an image', () => {
  const { namedContexts } = dockerfileAttrs({
    'context:src': 'local:src',
    'context:alpine': 'docker-image://busybox:1',
    'frontend.caps': 'moby.buildkit.frontend.contexts+forward',
  });
  assert.deepEqual(namedContexts, [
    { name: 'src', kind: 'local', dirName: 'src' },
    { name: 'alpine', kind: 'image', ref: 'busybox:1' },
  ]);
});
