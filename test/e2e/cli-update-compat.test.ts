// `docker update`, `kill` and `rename` through the docker CLI on berthd and Docker's engine side by side: the same
// refusals (Docker's checks of the new limits alone, then against the container's own) and the same results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { same, skipSides, useSides } from './cli-sides.js';

const sides = useSides();
const skip = skipSides;
const cgroupV1 = existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes');

test(
  'update of a running container: memory against the swap limit, CPU quota against NanoCpus, the host CPUs',
  { skip },
  async () => {
    await same(sides, 'docker run -d --name up1 busybox sleep 600 > /dev/null');
    // No limit yet: a memory limit alone is above the (unset) swap limit, as Docker words it.
    const alone = await same(sides, 'docker update --memory 64m up1');
    assert.equal(alone.code, 1);
    assert.match(
      alone.stderr,
      /Cannot update container <id>: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time/,
    );
    assert.equal((await same(sides, 'docker update --memory 64m --memory-swap 128m up1')).stdout, 'up1\n');
    assert.equal(
      (await same(sides, "docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' up1")).stdout,
      '67108864 134217728\n',
    );
    if (cgroupV1)
      assert.equal(
        (await same(sides, 'docker exec up1 cat /sys/fs/cgroup/memory/memory.limit_in_bytes')).stdout,
        '67108864\n',
      );
    assert.match((await same(sides, 'docker update --memory 1k up1')).stderr, /Minimum memory limit allowed is 6MB/);
    await same(sides, 'docker update --memory 128m --memory-swap 64m up1');
    await same(sides, 'docker update --memory-reservation 1k up1');

    assert.equal((await same(sides, 'docker update --cpus 0.5 up1')).stdout, 'up1\n');
    await same(sides, "docker inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.CpuQuota}}' up1");
    const quota = await same(sides, 'docker update --cpu-quota 20000 up1');
    assert.match(quota.stderr, /Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set/);
    const both = await same(sides, 'docker update --cpu-quota 20000 --cpus 0.1 up1');
    assert.match(both.stderr, /Conflicting options: Nano CPUs and CPU Quota cannot both be set/);
    assert.match((await same(sides, 'docker update --cpus 512 up1')).stderr, /Range of CPUs is from 0.01 to/);
    assert.match(
      (await same(sides, 'docker update --cpuset-cpus 4095 up1')).stderr,
      /Requested CPUs are not available/,
    );
    await same(sides, 'docker update --cpu-period 500 up1');
    // A value the kernel refuses: runc's words after Docker's prefix (not its log lines).
    const swap = await same(sides, 'docker update --memory-swap 16m up1 2>&1 | grep -c "level=" || true');
    assert.equal(swap.stdout, '0\n');
    await same(sides, 'docker rm -f up1 > /dev/null');
  },
);

test(
  'update of a stopped container with a memory limit: the recorded swap limit is twice the memory',
  { skip },
  async () => {
    await same(sides, 'docker create --name up2 -m 64m busybox sleep 600 > /dev/null');
    assert.equal(
      (await same(sides, "docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' up2")).stdout,
      '67108864 134217728\n',
    );
    await same(sides, 'docker update --memory 100m --restart unless-stopped up2');
    assert.equal(
      (await same(sides, "docker inspect -f '{{.HostConfig.Memory}} {{json .HostConfig.RestartPolicy}}' up2")).stdout,
      '104857600 {"Name":"unless-stopped","MaximumRetryCount":0}\n',
    );
    await same(sides, 'docker update --memory 200m up2');
    await same(sides, 'docker rm -f up2 > /dev/null');
    await same(sides, 'docker run -d --rm --name up3 busybox sleep 600 > /dev/null');
    assert.match(
      (await same(sides, 'docker update --restart always up3')).stderr,
      /Cannot update container <id>: Restart policy cannot be updated because AutoRemove is enabled for the container/,
    );
    await same(sides, 'docker rm -f up3 > /dev/null');
  },
);

test('kill and rename refusals: the name as given, the cause after it', { skip }, async () => {
  await same(sides, 'docker run -d --name kr1 busybox sleep 600 > /dev/null; docker create --name kr2 busybox');
  // dockerd 20.10 capitalises ("Cannot kill container"), moby since lower-cases: compared without case.
  for (const args of ['kr2', 'nope', 'kr1 nope', '-s 99 kr1'])
    assert.match((await same(sides, `docker kill ${args}`, { loose: true })).stderr, /cannot kill container: /i);
  assert.match(
    (await same(sides, 'docker rename kr1 kr2')).stderr,
    /Error when allocating new name: Conflict\. The container name "\/kr2" is already in use/,
  );
  assert.match(
    (await same(sides, "docker rename kr1 'bad name'")).stderr,
    /Error when allocating new name: Invalid container name \(\/bad name\)/,
  );
  await same(sides, 'docker rename kr1 kr1');
  await same(sides, 'docker rename kr1 kr1b && docker inspect -f "{{.Name}}" kr1b');
  await same(sides, 'docker rm -f kr1b kr2 > /dev/null');
});
