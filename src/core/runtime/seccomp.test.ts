import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOCKER_DEFAULT_PROFILE, toOciSeccomp } from './seccomp.js';
import { DEFAULT_CAPABILITIES } from './capabilities.js';

const allowed = (s: ReturnType<typeof toOciSeccomp>, name: string): boolean =>
  (s.syscalls ?? []).some((r) => r.action === 'SCMP_ACT_ALLOW' && r.names.includes(name) && !r.args);

test('the default profile errors by default and maps amd64 to its sub-architectures', () => {
  const s = toOciSeccomp(DOCKER_DEFAULT_PROFILE, {
    goArch: 'amd64',
    kernel: '6.1.0',
    capabilities: DEFAULT_CAPABILITIES,
  });
  assert.equal(s.defaultAction, 'SCMP_ACT_ERRNO');
  assert.deepEqual(s.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.ok(allowed(s, 'read') && !allowed(s, 'clone3'));
});

test('syscalls gated on a capability appear only when the container has it', () => {
  const plain = toOciSeccomp(DOCKER_DEFAULT_PROFILE, {
    goArch: 'amd64',
    kernel: '6.1.0',
    capabilities: DEFAULT_CAPABILITIES,
  });
  assert.ok(!allowed(plain, 'mount'));
  assert.ok(
    (plain.syscalls ?? []).some(
      (r) => r.names.includes('clone3') && r.action === 'SCMP_ACT_ERRNO' && r.errnoRet === 38,
    ),
    'clone3 gets ENOSYS so glibc falls back to clone',
  );
  const admin = toOciSeccomp(DOCKER_DEFAULT_PROFILE, {
    goArch: 'amd64',
    kernel: '6.1.0',
    capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'],
  });
  assert.ok(allowed(admin, 'mount') && allowed(admin, 'unshare'));
  const time = toOciSeccomp(DOCKER_DEFAULT_PROFILE, {
    goArch: 'amd64',
    kernel: '6.1.0',
    capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_TIME'],
  });
  assert.ok(allowed(time, 'settimeofday') && !allowed(plain, 'settimeofday'));
});

test('rules by architecture and minimum kernel are filtered', () => {
  const amd = toOciSeccomp(DOCKER_DEFAULT_PROFILE, {
    goArch: 'amd64',
    kernel: '6.1.0',
    capabilities: DEFAULT_CAPABILITIES,
  });
  const arm = toOciSeccomp(DOCKER_DEFAULT_PROFILE, {
    goArch: 'arm64',
    kernel: '6.1.0',
    capabilities: DEFAULT_CAPABILITIES,
  });
  assert.ok(allowed(amd, 'arch_prctl') && !allowed(arm, 'arch_prctl'));
  assert.deepEqual(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  const old = toOciSeccomp(DOCKER_DEFAULT_PROFILE, {
    goArch: 'amd64',
    kernel: '4.4.0',
    capabilities: DEFAULT_CAPABILITIES,
  });
  assert.ok(allowed(amd, 'ptrace') && !allowed(old, 'ptrace'));
});

test('a custom profile with explicit architectures keeps them', () => {
  const s = toOciSeccomp(
    {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [{ names: ['chmod'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
    },
    { goArch: 'amd64', kernel: '6.1.0', capabilities: [] },
  );
  assert.deepEqual(s, {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [{ names: ['chmod'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
  });
});
