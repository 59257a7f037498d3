import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPlatform, hostPlatform, parsePlatform, selectPlatform } from './platform.js';

const host = hostPlatform('x64');

test('parse and normalise platforms', () => {
  assert.deepEqual(host, { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/arm64/v8', host), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux/arm', host), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(parsePlatform('linux/x86_64', host), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux', host), { os: 'linux', architecture: 'amd64' });
  assert.equal(parsePlatform('', host), undefined);
  assert.throws(() => parsePlatform('a/b/c/d', host));
  assert.equal(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v6' }), 'linux/arm/v6');
});

test('selects the matching manifest of an index', () => {
  const entries = [
    { digest: 'a', platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { digest: 'b', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { digest: 'c', platform: { os: 'linux', architecture: 'amd64' } },
    { digest: 'd', platform: { os: 'windows', architecture: 'amd64' } },
    { digest: 'e' },
  ];
  assert.equal(selectPlatform(entries, host)?.digest, 'c');
  assert.equal(selectPlatform(entries, { os: 'linux', architecture: 'arm' })?.digest, 'b');
  assert.equal(selectPlatform(entries, { os: 'linux', architecture: 'arm', variant: 'v6' })?.digest, 'a');
  assert.equal(selectPlatform(entries, { os: 'linux', architecture: 's390x' }), undefined);
});

test('plain HTTP only for loopback and listed hosts', async () => {
  const { allowsPlainHttp, registryHost } = await import('./registry-host.js');
  assert.equal(allowsPlainHttp('localhost:5000', []), true);
  assert.equal(allowsPlainHttp('127.0.0.1:41234', []), true);
  assert.equal(allowsPlainHttp('[::1]:5000', []), true);
  assert.equal(allowsPlainHttp('reg.example:5000', []), false);
  assert.equal(allowsPlainHttp('reg.example:5000', ['reg.example:5000']), true);
  assert.equal(allowsPlainHttp('10.1.2.3:5000', ['10.0.0.0/8']), true);
  assert.equal(allowsPlainHttp('11.1.2.3:5000', ['10.0.0.0/8']), false);
  assert.equal(registryHost('docker.io'), 'registry-1.docker.io');
});
