import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../../core/errdefs.js';
import { buildkitProtocol, buildPlatform, buildRequest, registryConfig } from './build-request.js';

const refused = (fn: () => unknown, name: RegExp): void => {
  assert.throws(fn, (err: unknown) => isEngineError(err) && err.kind === 'InvalidArgument' && name.test(err.message));
};

test('classic build parameters: honoured values land in the request', () => {
  const r = buildRequest(
    {
      t: ['a:1', 'b'],
      pull: '1',
      rm: '0',
      cachefrom: '["x:1"]',
      extrahosts: ['h:1.2.3.4'],
      shmsize: '1048576',
      memory: '67108864',
      memswap: '-1',
      cpushares: '512',
      cpusetcpus: '0',
      cpuperiod: '50000',
      cpuquota: '25000',
      ulimits: '[{"Name":"nofile","Soft":10,"Hard":20}]',
      buildid: 'b1',
      platform: 'linux/amd64',
      version: '1',
      isolation: 'default',
    },
    {},
  );
  assert.equal(r.pull, true);
  assert.equal(r.remove, 'never');
  assert.deepEqual(r.cacheFrom, ['x:1']);
  assert.deepEqual(r.runHostConfig, {
    ExtraHosts: ['h:1.2.3.4'],
    ShmSize: 1048576,
    Memory: 67108864,
    MemorySwap: -1,
    CpuShares: 512,
    CpusetCpus: '0',
    CpuPeriod: 50000,
    CpuQuota: 25000,
    Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 20 }],
  });
  assert.equal(r.buildId, 'b1');
  assert.equal(buildRequest({ forcerm: '1', rm: '0' }, {}).remove, 'always');
  assert.equal(buildRequest({}, {}).remove, 'on-success');
  // docker-py sends Python booleans as text
  assert.equal(buildRequest({ rm: 'False', pull: 'True' }, {}).remove, 'never');
  // docker-py 5 with a Dockerfile outside the context sends its generated name, then its text: the first counts.
  assert.equal(buildRequest({ dockerfile: ['.dockerfile.abc', 'FROM busybox\n'] }, {}).dockerfile, '.dockerfile.abc');
});

test('classic build parameters berth cannot honour are refused by name', () => {
  refused(() => buildRequest({ remote: 'https://example.invalid/ctx.tar' }, {}), /remote/);
  refused(() => buildRequest({ squash: '1' }, {}), /squash/);
  refused(() => buildRequest({ outputs: '[{"type":"local"}]' }, {}), /outputs/);
  refused(() => buildRequest({ version: '3' }, {}), /invalid version 3/);
  refused(() => buildRequest({ session: 'abc' }, {}), /session/);
  refused(() => buildRequest({ isolation: 'hyperv' }, {}), /isolation/);
  refused(() => buildRequest({ securityopt: 'seccomp=unconfined' }, {}), /security options/);
  refused(() => buildRequest({ memory: 'lots' }, {}), /memory/);
  refused(() => buildRequest({ cachefrom: '{"a":1}' }, {}), /cache-from/);
  refused(() => buildRequest({ buildargs: '[1]' }, {}), /build args/);
  assert.deepEqual(buildRequest({ outputs: '[]', squash: '0' }, {}).tags, []);
});

test('version=2 is BuildKit, with the session it names', () => {
  assert.equal(buildkitProtocol({}), undefined);
  assert.equal(buildkitProtocol({ version: '1' }), undefined);
  assert.deepEqual(buildkitProtocol({ version: '2' }), { session: undefined });
  assert.deepEqual(buildkitProtocol({ version: '2', session: 'abc' }), { session: 'abc' });
  assert.equal(buildRequest({ version: '2', session: 'abc', t: 'x' }, {}).tags[0], 'x');
});

test('platform: parsed as dockerd does, refused when the host cannot run it', () => {
  const host = { os: 'linux', architecture: 'amd64' };
  assert.deepEqual(buildPlatform('linux/amd64', host), host);
  assert.deepEqual(buildPlatform('linux', host), host);
  assert.deepEqual(buildPlatform('linux/386', host), { os: 'linux', architecture: '386' });
  assert.equal(buildPlatform('', host), undefined);
  refused(() => buildPlatform('linux/arm64', host), /linux\/arm64 is not supported/);
  refused(() => buildPlatform('windows/amd64', host), /operating system is not supported/);
  refused(() => buildPlatform('a/b/c/d', host), /cannot parse platform specifier/);
});

test('X-Registry-Config: a base64url map of registries to auth configs, keyed by domain', () => {
  const header = Buffer.from(
    JSON.stringify({
      'https://index.docker.io/v1/': { username: 'u', password: 'p' },
      '127.0.0.1:5000': { auth: Buffer.from('a:b').toString('base64') },
      'http://other:1/v2/': {},
    }),
  ).toString('base64url');
  assert.deepEqual(registryConfig(header), {
    'docker.io': { username: 'u', password: 'p' },
    '127.0.0.1:5000': { username: 'a', password: 'b' },
  });
  assert.deepEqual(registryConfig('!!not base64 json'), {});
  assert.deepEqual(registryConfig(undefined), {});
});
