import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLimitUpdate, checkLimitValues, parseCpuList } from './resource-check.js';

const host = { cpuCount: 2, cpuset: '0-1' };

test('cpu lists parse as the kernel writes them', () => {
  assert.deepEqual([...parseCpuList('0-2,4')], [0, 1, 2, 4]);
  assert.deepEqual([...parseCpuList('')], []);
  assert.throws(() => parseCpuList('a'));
  assert.throws(() => parseCpuList('3-1'));
});

test("limits alone: Docker's refusals, a swap limit alone only in an update", () => {
  assert.throws(
    () => checkLimitValues({ Memory: 1024 }, host, { update: true }),
    /Minimum memory limit allowed is 6MB/,
  );
  assert.throws(
    () => checkLimitValues({ MemorySwap: 64 << 20 }, host, { update: false }),
    /You should always set the Memory limit when using Memoryswap limit/,
  );
  checkLimitValues({ MemorySwap: 64 << 20 }, host, { update: true });
  assert.throws(
    () => checkLimitValues({ NanoCpus: 1e9, CpuQuota: 50000 }, host, { update: true }),
    /Nano CPUs and CPU Quota cannot both be set/,
  );
  assert.throws(() => checkLimitValues({ NanoCpus: 3e9 }, host, { update: true }), /only 2 CPUs available/);
  assert.throws(
    () => checkLimitValues({ CpusetCpus: '2' }, host, { update: true }),
    /Requested CPUs are not available - requested 2, available: 0-1/,
  );
  assert.throws(() => checkLimitValues({ CpusetCpus: 'x' }, host, { update: true }), /Invalid value x for cpuset cpus/);
  checkLimitValues({ NanoCpus: 3e9, CpusetCpus: '7' }, { cpuCount: 0, cpuset: '' }, { update: true });
});

test("an update against the container's limits: Docker's conflicts", () => {
  assert.throws(() => checkLimitUpdate({}, { Memory: 64 << 20 }), /update the memoryswap at the same time/);
  checkLimitUpdate({ MemorySwap: 128 << 20 }, { Memory: 100 << 20 });
  checkLimitUpdate({}, { Memory: 64 << 20, MemorySwap: 128 << 20 });
  assert.throws(() => checkLimitUpdate({ NanoCpus: 1e9 }, { CpuQuota: 20000 }), /CPU Quota cannot be updated/);
  assert.throws(() => checkLimitUpdate({ CpuPeriod: 1e5 }, { NanoCpus: 1e9 }), /Nano CPUs cannot be updated/);
});
