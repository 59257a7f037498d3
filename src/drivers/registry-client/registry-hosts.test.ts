import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirrorEndpoint, pullEndpoints, readRegistryHosts } from './registry-hosts.js';

const pullEndpoint = (dir: string | undefined, domain: string) => {
  const [first] = pullEndpoints({ hostsDir: dir }, domain);
  return first?.scheme ? first : undefined;
};

const withDir = (files: Record<string, string>, body: (dir: string) => void): void => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-hosts-'));
  try {
    for (const [domain, text] of Object.entries(files)) {
      mkdirSync(join(dir, domain), { recursive: true });
      writeFileSync(join(dir, domain, 'hosts.toml'), text);
    }
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test("hosts.toml as containerd's: mirrors in order, then server; capabilities decide who serves pulls", () => {
  withDir(
    {
      'gcr.io':
        'server = "http://127.0.0.1:5000"\n[host."http://127.0.0.1:5000"]\n  capabilities = ["pull", "resolve"]\n',
      'docker.io':
        'server = "https://registry-1.docker.io"\n[host."https://push-only.test"]\ncapabilities = ["push"]\n[host."http://127.0.0.1:6000"]\ncapabilities = ["pull", "resolve"]\n',
      'quay.io': 'server = "https://mirror.test:8443"\n',
      'blobs.test': '[host."http://127.0.0.1:7000"]\ncapabilities = ["pull"]\n',
    },
    (dir) => {
      assert.deepEqual(pullEndpoint(dir, 'gcr.io'), {
        scheme: 'http',
        host: '127.0.0.1:5000',
        apiRoot: '/v2',
        capabilities: ['pull', 'resolve'],
      });
      assert.equal(pullEndpoint(dir, 'docker.io')?.host, '127.0.0.1:6000');
      assert.deepEqual(pullEndpoint(dir, 'quay.io'), {
        scheme: 'https',
        host: 'mirror.test:8443',
        apiRoot: '/v2',
        capabilities: ['pull', 'resolve', 'push'],
      });
      // A host that may pull blobs but not resolve tags does not take pulls (berth resolves and pulls at one place).
      assert.equal(pullEndpoint(dir, 'blobs.test'), undefined);
      assert.equal(pullEndpoint(dir, 'elsewhere.test'), undefined);
      assert.equal(pullEndpoint(undefined, 'gcr.io'), undefined);
      assert.equal(readRegistryHosts(dir, 'docker.io').length, 3);
    },
  );
});

test('a hosts.toml berth cannot honour is refused by name, not ignored', () => {
  withDir(
    {
      'bad.test': 'server = ',
      'path.test': 'server = "http://127.0.0.1:5000/v2/mirror"\n',
      'caps.test': '[host."http://127.0.0.1:5000"]\ncapabilities = ["fetch"]\n',
    },
    (dir) => {
      assert.throws(() => pullEndpoint(dir, 'bad.test'), /bad\.test\/hosts\.toml/);
      assert.throws(() => pullEndpoint(dir, 'path.test'), /without a path is supported/);
      assert.throws(() => pullEndpoint(dir, 'caps.test'), /capabilities of "http:\/\/127\.0\.0\.1:5000"/);
    },
  );
});

test("dockerd's registry-mirrors: Docker Hub pulls try each mirror in order, then Docker Hub; other domains none", () => {
  const mirrors = ['http://127.0.0.1:5000', 'https://mirror.test/hub/'];
  assert.deepEqual(
    pullEndpoints({ mirrors }, 'docker.io').map((e) => `${e.scheme ?? ''}|${e.host}|${e.apiRoot}`),
    ['http|127.0.0.1:5000|/v2', 'https|mirror.test|/hub/v2', '|registry-1.docker.io|/v2'],
  );
  assert.deepEqual(
    pullEndpoints({ mirrors }, 'quay.io').map((e) => e.host),
    ['quay.io'],
  );
  assert.throws(() => mirrorEndpoint('ftp://mirror.test'), /invalid mirror: unsupported scheme "ftp"/);
  assert.throws(() => mirrorEndpoint('https://mirror.test/?x=1'), /query or fragment/);
  assert.throws(() => mirrorEndpoint('https://u:p@mirror.test'), /username\/password not allowed/);
});
