import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWwwAuthenticate, repositoryScope } from './www-authenticate.js';

test('bearer challenge with realm, service and scope', () => {
  const [c] = parseWwwAuthenticate(
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
  );
  assert.deepEqual(c, {
    scheme: 'bearer',
    params: {
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/busybox:pull',
    },
  });
});

test('basic challenge, unquoted values, several challenges', () => {
  assert.deepEqual(parseWwwAuthenticate('Basic realm="basic-realm"'), [
    { scheme: 'basic', params: { realm: 'basic-realm' } },
  ]);
  assert.deepEqual(parseWwwAuthenticate('Basic realm=x, Bearer realm="r", error="insufficient_scope"'), [
    { scheme: 'basic', params: { realm: 'x' } },
    { scheme: 'bearer', params: { realm: 'r', error: 'insufficient_scope' } },
  ]);
  assert.deepEqual(parseWwwAuthenticate('Bearer realm="a\\"b"'), [{ scheme: 'bearer', params: { realm: 'a"b' } }]);
});

test('scope strings', () => {
  assert.equal(repositoryScope('team/app', ['pull', 'push']), 'repository:team/app:pull,push');
});
