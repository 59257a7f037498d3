// Rootless on cgroup v1: every cgroup limit is refused by name with the reason; no limit, no refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHostConfig, checkLimitsAvailable, DEFAULT_HOST_SUPPORT, requestedLimit } from './host-config-check.js';
import type { HostConfig } from '../../spec/docker/containers.js';

const rootlessV1 = { ...DEFAULT_HOST_SUPPORT, cgroupVersion: '1' as const, limitsUnavailable: 'rootless on cgroup v1' };

test('the docker CLI defaults ask for no limit', () => {
  const cliDefaults = { Memory: 0, MemorySwap: 0, CpuShares: 0, NanoCpus: 0, PidsLimit: null, CpusetCpus: '' };
  assert.equal(requestedLimit(cliDefaults as unknown as HostConfig), undefined);
  assert.doesNotThrow(() => checkHostConfig(cliDefaults as unknown as HostConfig, rootlessV1));
  assert.equal(requestedLimit({ MemorySwap: -1, MemorySwappiness: -1, PidsLimit: -1 } as HostConfig), undefined);
});

test('each limit is refused by its field name with the reason', () => {
  for (const [field, value] of [
    ['Memory', 100 << 20],
    ['NanoCpus', 5e8],
    ['PidsLimit', 10],
    ['CpusetCpus', '0'],
    ['BlkioWeight', 100],
    ['DeviceCgroupRules', ['c 1:3 r']],
  ] as const) {
    assert.throws(
      () => checkHostConfig({ [field]: value } as HostConfig, rootlessV1),
      (err: Error & { kind?: string }) =>
        err.kind === 'InvalidArgument' &&
        err.message === `${field}: resource limits are not available: rootless on cgroup v1`,
    );
  }
});

test('a host that can apply limits lets them through', () => {
  assert.doesNotThrow(() => checkLimitsAvailable({ Memory: 1 << 20 }, DEFAULT_HOST_SUPPORT));
});
