import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainTls, mirrorEndpoint, pullEndpoints, type RegistryEndpoint } from './registry-hosts.js';

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

/** scheme://host+apiRoot [capabilities], "?" for the domain's own host (scheme found by the client). */
const shown = (endpoints: RegistryEndpoint[]): string[] =>
  endpoints.map((e) => `${e.scheme ?? '?'}://${e.host}${e.apiRoot} ${e.capabilities.join(',')}`);

test("hosts.toml as containerd's: every host in order with its capabilities, then server (the domain's own when not named)", () => {
  withDir(
    {
      'gcr.io':
        'server = "http://127.0.0.1:5000"\n[host."http://127.0.0.1:5000"]\n  capabilities = ["pull", "resolve"]\n',
      'docker.io':
        'server = "https://docker.io"\n[host."https://push-only.test"]\ncapabilities = ["push"]\n[host."http://127.0.0.1:6000"]\ncapabilities = ["pull", "resolve"]\n',
      'quay.io': 'server = "https://mirror.test:8443"\n',
      'blobs.test': '[host."http://127.0.0.1:7000/cache"]\ncapabilities = ["pull"]\n',
      'paths.test':
        '[host."https://a.test/v2/upstream"]\noverride_path = true\n[host."https://b.test/v2"]\n[host."https://c.test/hub/"]\n',
      localhost_5000_: 'server = "http://127.0.0.1:5001"\n',
      _default: '[host."http://127.0.0.1:9000"]\ncapabilities = ["pull", "resolve"]\n',
    },
    (dir) => {
      const at = (domain: string): string[] => shown(pullEndpoints({ hostsDir: dir }, domain));
      assert.deepEqual(at('gcr.io'), [
        'http://127.0.0.1:5000/v2 pull,resolve',
        'http://127.0.0.1:5000/v2 pull,resolve,push',
      ]);
      assert.deepEqual(at('docker.io'), [
        'https://push-only.test/v2 push',
        'http://127.0.0.1:6000/v2 pull,resolve',
        'https://registry-1.docker.io/v2 pull,resolve,push',
      ]);
      assert.deepEqual(at('quay.io'), ['https://mirror.test:8443/v2 pull,resolve,push']);
      assert.deepEqual(at('blobs.test'), [
        'http://127.0.0.1:7000/cache/v2 pull',
        '?://blobs.test/v2 pull,resolve,push',
      ]);
      assert.deepEqual(at('paths.test').slice(0, 3), [
        'https://a.test/v2/upstream pull,resolve,push',
        'https://b.test/v2 pull,resolve,push',
        'https://c.test/hub/v2 pull,resolve,push',
      ]);
      assert.deepEqual(at('localhost:5000'), ['http://127.0.0.1:5001/v2 pull,resolve,push']);
      // No directory of its own: _default's hosts, then the domain itself.
      assert.deepEqual(at('elsewhere.test'), [
        'http://127.0.0.1:9000/v2 pull,resolve',
        '?://elsewhere.test/v2 pull,resolve,push',
      ]);
      assert.deepEqual(shown(pullEndpoints({}, 'gcr.io')), ['?://gcr.io/v2 pull,resolve,push']);
    },
  );
});

test('a hosts.toml berth cannot honour is refused by name, not ignored', () => {
  withDir(
    {
      'bad.test': 'server = ',
      'query.test': 'server = "http://127.0.0.1:5000/?x=1"\n',
      'caps.test': '[host."http://127.0.0.1:5000"]\ncapabilities = ["fetch"]\n',
      'keys.test': '[host."http://127.0.0.1:5000"]\ndial_timeout = "1s"\n',
      'root.test': 'server = "http://127.0.0.1:5000"\nproxy = "http://proxy.test"\n',
    },
    (dir) => {
      const at = (domain: string) => pullEndpoints({ hostsDir: dir }, domain);
      assert.throws(() => at('bad.test'), /bad\.test\/hosts\.toml/);
      assert.throws(() => at('query.test'), /only http\(s\):\/\/host\[:port\]\[\/path\] is supported/);
      assert.throws(() => at('caps.test'), /capabilities of "http:\/\/127\.0\.0\.1:5000"/);
      assert.throws(() => at('keys.test'), /"dial_timeout" of "http:\/\/127\.0\.0\.1:5000" is not supported/);
      assert.throws(() => at('root.test'), /"proxy" of the server is not supported/);
    },
  );
});

test("dockerd's registry-mirrors: Docker Hub pulls try each mirror in order, then Docker Hub; other domains none", () => {
  const mirrors = ['http://127.0.0.1:5000', 'https://mirror.test/hub/'];
  assert.deepEqual(shown(pullEndpoints({ mirrors }, 'docker.io')), [
    'http://127.0.0.1:5000/v2 pull,resolve',
    'https://mirror.test/hub/v2 pull,resolve',
    '?://registry-1.docker.io/v2 pull,resolve,push',
  ]);
  assert.deepEqual(shown(pullEndpoints({ mirrors }, 'quay.io')), ['?://quay.io/v2 pull,resolve,push']);
  assert.throws(() => mirrorEndpoint('ftp://mirror.test'), /invalid mirror: unsupported scheme "ftp"/);
  assert.throws(() => mirrorEndpoint('https://mirror.test/?x=1'), /query or fragment/);
  assert.throws(() => mirrorEndpoint('https://u:p@mirror.test'), /username\/password not allowed/);
});

test("TLS per host: hosts.toml's ca, client, skip_verify (paths from the host's directory); certs.d files without hosts.toml", () => {
  withDir(
    {
      'tls.test':
        'server = "https://127.0.0.1:5000"\nca = "/etc/ssl/root.pem"\nclient = [["c.cert", "c.key"]]\n' +
        '[host."https://mirror.test"]\nca = ["m1.pem", "/abs/m2.pem"]\nclient = "both.pem"\nskip_verify = true\n' +
        '[host."https://plain.test"]\n',
      'own.test': 'ca = "own.pem"\n',
      'bad-ca.test': 'ca = 3\n',
      'bad-client.test': 'client = [["only-one"]]\n',
    },
    (dir) => {
      const tls = (domain: string) => pullEndpoints({ hostsDir: dir }, domain).map((e) => e.tls);
      const at = (domain: string, file: string): string => join(dir, domain, file);
      assert.deepEqual(tls('tls.test'), [
        {
          ca: [at('tls.test', 'm1.pem'), '/abs/m2.pem'],
          clients: [{ cert: at('tls.test', 'both.pem') }],
          skipVerify: true,
        },
        undefined,
        {
          ca: ['/etc/ssl/root.pem'],
          clients: [{ cert: at('tls.test', 'c.cert'), key: at('tls.test', 'c.key') }],
          skipVerify: undefined,
        },
      ]);
      // No server named: the root table's TLS is the domain's own host's (pushes and logins use it too).
      assert.deepEqual(tls('own.test'), [{ ca: [at('own.test', 'own.pem')], clients: [], skipVerify: undefined }]);
      assert.deepEqual(domainTls({ hostsDir: dir }, 'own.test'), {
        ca: [at('own.test', 'own.pem')],
        clients: [],
        skipVerify: undefined,
      });
      assert.equal(domainTls({ hostsDir: dir }, 'tls.test'), undefined);
      assert.throws(() => tls('bad-ca.test'), /"ca" of the server must be a file or a list of files/);
      assert.throws(() => tls('bad-client.test'), /invalid pair \["only-one"\] for "client" of the server/);

      // A directory without hosts.toml: Docker's certs.d files for the domain's own host (containerd's fallback),
      // and for a registry-mirrors host; its _default is not consulted then.
      mkdirSync(join(dir, 'certs.test_5000_'));
      writeFileSync(join(dir, 'certs.test_5000_', 'ca.crt'), '');
      mkdirSync(join(dir, 'mirror.test'));
      writeFileSync(join(dir, 'mirror.test', 'a.crt'), '');
      writeFileSync(join(dir, '_default.toml'), '');
      assert.deepEqual(pullEndpoints({ hostsDir: dir }, 'certs.test:5000'), [
        {
          host: 'certs.test:5000',
          apiRoot: '/v2',
          capabilities: ['pull', 'resolve', 'push'],
          tls: { ca: [at('certs.test_5000_', 'ca.crt')], clients: [] },
        },
      ]);
      assert.deepEqual(
        pullEndpoints({ hostsDir: dir, mirrors: ['https://mirror.test'] }, 'docker.io').map((e) => e.tls),
        [{ ca: [at('mirror.test', 'a.crt')], clients: [] }, undefined],
      );
    },
  );
});
