import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerEnv, DEFAULT_PATH_ENV, networkNamespace, specInputFromRecord } from './spec-from-record.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { PlannedMount } from '../containers/mount-specs.js';

test("environment in Docker's order: PATH, HOSTNAME, TERM with a tty, the container's own replacing, HOME last", () => {
  assert.deepEqual(containerEnv({ env: ['A=1'], hostname: 'h', tty: false, home: '/root' }), [
    DEFAULT_PATH_ENV,
    'HOSTNAME=h',
    'A=1',
    'HOME=/root',
  ]);
  assert.deepEqual(containerEnv({ env: ['PATH=/x', 'HOME=/h'], hostname: 'h', tty: true, home: '/root' }), [
    'PATH=/x',
    'HOSTNAME=h',
    'TERM=xterm',
    'HOME=/h',
  ]);
});

test('network modes: default, bridge and none are private; host; ns:<path> joins', () => {
  assert.deepEqual(networkNamespace(undefined), { mode: 'private' });
  assert.deepEqual(networkNamespace('none'), { mode: 'private' });
  assert.deepEqual(networkNamespace('host'), { mode: 'host' });
  assert.deepEqual(networkNamespace('ns:/run/netns/a'), { mode: 'path', path: '/run/netns/a' });
});

test("with --network host and no hostname the container takes the host's name", () => {
  const record = {
    id: 'd'.repeat(64),
    path: 'true',
    args: [],
    config: {},
    hostConfig: { NetworkMode: 'host' },
  } as unknown as ContainerRecord;
  const input = specInputFromRecord({
    record,
    mounts: [],
    user: { uid: 0, gid: 0, additionalGids: [], home: '/' },
    rootfsPath: '/r',
    etcFiles: {},
    hostHostname: 'myhost',
  });
  assert.equal(input.hostname, 'myhost');
  assert.ok(input.env.includes('HOSTNAME=myhost'));
  assert.deepEqual(input.network, { mode: 'host' });
});

test('a record becomes spec input: args, cwd, ulimits, resources, mounts, cgroup path under the parent', () => {
  const record = {
    id: 'c'.repeat(64),
    path: 'sh',
    args: ['-c', 'true'],
    config: { Hostname: 'h1', Env: ['X=1'], WorkingDir: '/w', Tty: false },
    hostConfig: {
      Memory: 1024,
      PidsLimit: 5,
      Ulimits: [{ Name: 'nofile', Soft: 1, Hard: 2 }],
      CgroupParent: '/mine/',
      ReadonlyRootfs: true,
    },
  } as unknown as ContainerRecord;
  const mounts = [
    { type: 'bind', source: '/s', destination: '/d', readOnly: true, options: ['rslave'] },
  ] as unknown as PlannedMount[];
  const input = specInputFromRecord({
    record,
    mounts,
    user: { uid: 0, gid: 0, additionalGids: [], home: '/root' },
    rootfsPath: '/r',
    etcFiles: {},
  });
  assert.deepEqual(input.args, ['sh', '-c', 'true']);
  assert.equal(input.cwd, '/w');
  assert.equal(input.readonlyRootfs, true);
  assert.deepEqual(input.ulimits, [{ name: 'nofile', soft: 1, hard: 2 }]);
  assert.equal(input.resources.memory, 1024);
  assert.equal(input.resources.pidsLimit, 5);
  assert.deepEqual(input.mounts, [
    { type: 'bind', source: '/s', destination: '/d', readOnly: true, propagation: 'rslave' },
  ]);
  assert.equal(input.cgroupsPath, `/mine/${record.id}`);
  assert.ok(input.env.includes('X=1') && input.env.includes('HOSTNAME=h1'));
  const volume = [
    { type: 'volume', source: 'v', destination: '/v', readOnly: false, options: [] },
  ] as unknown as PlannedMount[];
  assert.throws(
    () =>
      specInputFromRecord({
        record,
        mounts: volume,
        user: { uid: 0, gid: 0, additionalGids: [], home: '/' },
        rootfsPath: '/r',
        etcFiles: {},
      }),
    /volume "v" was not resolved to a host path/,
  );
});
