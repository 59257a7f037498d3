import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import { LinuxContainerResourcesSchema } from './proto.js';
import { updateRequestOf } from './container-resources.js';

test('CPU and memory fields become the update request; zeros are left as they are', () => {
  const r = create(LinuxContainerResourcesSchema, {
    cpuShares: 512n,
    cpuQuota: 20000n,
    cpuPeriod: 100000n,
    cpusetCpus: '0',
    memoryLimitInBytes: 64n << 20n,
    hugepageLimits: [{ pageSize: '2MB', limit: 0n }],
  });
  assert.deepEqual(updateRequestOf(r, { oomScoreAdj: 0 }), {
    CpuShares: 512,
    CpuQuota: 20000,
    CpuPeriod: 100000,
    CpusetCpus: '0',
    Memory: 64 << 20,
    MemorySwap: 64 << 20,
  });
});

test("a memory limit without a swap limit allows no swap, as containerd's CRI; a swap limit given is kept", () => {
  const memoryOnly = create(LinuxContainerResourcesSchema, { memoryLimitInBytes: 32n << 20n });
  assert.deepEqual(updateRequestOf(memoryOnly, { oomScoreAdj: 0 }), { Memory: 32 << 20, MemorySwap: 32 << 20 });
  const both = create(LinuxContainerResourcesSchema, { memoryLimitInBytes: 32n << 20n, memorySwapLimitInBytes: -1n });
  assert.deepEqual(updateRequestOf(both, { oomScoreAdj: 0 }), { Memory: 32 << 20, MemorySwap: -1 });
  assert.deepEqual(updateRequestOf(create(LinuxContainerResourcesSchema, {}), { oomScoreAdj: 0 }), {});
});

test('what runc update cannot apply is refused by name, unless it is what the container has', () => {
  const oom = create(LinuxContainerResourcesSchema, { oomScoreAdj: 500n });
  assert.throws(() => updateRequestOf(oom, { oomScoreAdj: 0 }), /oom_score_adj/);
  assert.deepEqual(updateRequestOf(oom, { oomScoreAdj: 500 }), {});
  const huge = create(LinuxContainerResourcesSchema, { hugepageLimits: [{ pageSize: '2MB', limit: 1n << 21n }] });
  assert.throws(() => updateRequestOf(huge, { oomScoreAdj: 0 }), /hugepage_limits/);
  const unified = create(LinuxContainerResourcesSchema, { unified: { 'memory.high': '1' } });
  assert.throws(() => updateRequestOf(unified, { oomScoreAdj: 0 }), /unified/);
});
