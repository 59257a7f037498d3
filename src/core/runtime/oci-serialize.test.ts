import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOciSpec, serializeOciSpec, type HostRuntimeFacts } from './oci-spec.js';
import type { ContainerSpecInput } from './spec-input.js';

const host: HostRuntimeFacts = { goArch: 'amd64', kernel: '6.1.0', cgroupVersion: '1', hardLimits: {} };
const input: ContainerSpecInput = {
  args: ['sh'],
  env: [],
  cwd: '/',
  user: { uid: 0, gid: 0, additionalGids: [], home: '/' },
  hostname: '',
  domainname: '',
  tty: false,
  openStdin: false,
  rootfsPath: '/r',
  readonlyRootfs: false,
  privileged: false,
  capAdd: [],
  capDrop: [],
  securityOpt: [],
  sysctls: {},
  ulimits: [{ name: 'core', soft: -1, hard: -1 }],
  mounts: [],
  etcFiles: {},
  shmSize: 0,
  resources: {},
  network: { mode: 'private' },
  cgroupsPath: '/berth/x',
};

test('an unlimited ulimit (-1) is written as RLIM_INFINITY, exactly 2^64-1', () => {
  const text = serializeOciSpec(buildOciSpec(input, host));
  assert.match(text, /\{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":18446744073709551615\}/);
  assert.doesNotMatch(text, /18446744073709552000/);
});

test('unlimited is refused when the host itself has a finite hard limit', () => {
  assert.throws(
    () => buildOciSpec(input, { ...host, hardLimits: { RLIMIT_CORE: 1000 } }),
    /hard limit unlimited is above the host's hard limit 1000/,
  );
});
