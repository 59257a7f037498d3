import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOciSpec, MASKED_PATHS, READONLY_PATHS, type HostRuntimeFacts } from './oci-spec.js';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from './capabilities.js';
import type { ContainerSpecInput } from './spec-input.js';

const host: HostRuntimeFacts = {
  goArch: 'amd64',
  kernel: '6.1.0',
  cgroupVersion: '1',
  hardLimits: { RLIMIT_NOFILE: 524288 },
};

function input(over: Partial<ContainerSpecInput> = {}): ContainerSpecInput {
  return {
    args: ['sh', '-c', 'true'],
    env: ['PATH=/bin'],
    cwd: '/',
    user: { uid: 0, gid: 0, additionalGids: [], home: '/root' },
    hostname: 'abc',
    domainname: '',
    tty: false,
    openStdin: false,
    rootfsPath: '/b/rootfs',
    readonlyRootfs: false,
    privileged: false,
    capAdd: [],
    capDrop: [],
    securityOpt: [],
    sysctls: {},
    ulimits: [],
    mounts: [],
    etcFiles: { hosts: '/x/hosts', hostname: '/x/hostname', resolvConf: '/x/resolv.conf' },
    shmSize: 0,
    resources: {},
    network: { mode: 'private' },
    cgroupsPath: '/berth/c1',
    ...over,
  };
}

test('defaults: Docker caps, seccomp, masked and read-only paths, private namespaces, ro /sys, devices allowlist', () => {
  const spec = buildOciSpec(input(), host);
  assert.deepEqual(spec.process.capabilities?.bounding, DEFAULT_CAPABILITIES);
  assert.deepEqual(spec.linux.maskedPaths, MASKED_PATHS);
  assert.deepEqual(spec.linux.readonlyPaths, READONLY_PATHS);
  assert.ok(spec.linux.seccomp);
  assert.deepEqual(spec.linux.namespaces.map((n) => n.type).sort(), ['ipc', 'mount', 'network', 'pid', 'uts']);
  assert.ok(spec.mounts.find((m) => m.destination === '/sys')?.options?.includes('ro'));
  const dests = spec.mounts.map((m) => m.destination);
  for (const d of [
    '/proc',
    '/dev',
    '/dev/pts',
    '/dev/shm',
    '/dev/mqueue',
    '/sys/fs/cgroup',
    '/etc/hosts',
    '/etc/hostname',
    '/etc/resolv.conf',
  ])
    assert.ok(dests.includes(d), d);
  assert.ok(spec.mounts.find((m) => m.destination === '/dev/shm')?.options?.includes(`size=${64 * 1024 * 1024}`));
  assert.equal(spec.hostname, 'abc');
  assert.equal(spec.process.noNewPrivileges, false);
  assert.equal(spec.linux.resources?.devices?.[0]?.allow, false, 'deny all first, then the allowlist');
  assert.ok(
    spec.linux.resources?.devices?.some((d) => d.allow && d.major === 1 && d.minor === 3),
    '/dev/null allowed',
  );
});

test('no command is refused', () => {
  assert.throws(() => buildOciSpec(input({ args: [] }), host), /no command specified/);
});

test('nofile defaults to 1048576 capped by the host hard limit; ulimits above the host are refused', () => {
  assert.deepEqual(
    buildOciSpec(input(), host).process.rlimits?.find((r) => r.type === 'RLIMIT_NOFILE'),
    { type: 'RLIMIT_NOFILE', hard: 524288, soft: 524288 },
  );
  assert.deepEqual(
    buildOciSpec(input(), { ...host, hardLimits: {} }).process.rlimits?.find((r) => r.type === 'RLIMIT_NOFILE')?.hard,
    1048576,
  );
  const custom = buildOciSpec(input({ ulimits: [{ name: 'nofile', soft: 100, hard: 200 }] }), host);
  assert.deepEqual(
    custom.process.rlimits?.find((r) => r.type === 'RLIMIT_NOFILE'),
    { type: 'RLIMIT_NOFILE', hard: 200, soft: 100 },
  );
  assert.throws(
    () => buildOciSpec(input({ ulimits: [{ name: 'nofile', soft: 1, hard: 600000 }] }), host),
    /above the host/,
  );
  assert.throws(
    () => buildOciSpec(input({ ulimits: [{ name: 'nofile', soft: 9, hard: 5 }] }), host),
    /soft limit must be less than or equal to hard limit/,
  );
  assert.throws(
    () => buildOciSpec(input({ ulimits: [{ name: 'bogus', soft: 1, hard: 1 }] }), host),
    /invalid ulimit type: bogus/,
  );
});

test("privileged: the host's capabilities, no seccomp, no masked paths, all devices, rw /sys", () => {
  const spec = buildOciSpec(input({ privileged: true }), host);
  assert.equal(spec.process.capabilities?.bounding?.length, ALL_CAPABILITIES.length);
  assert.equal(spec.linux.seccomp, undefined);
  assert.equal(spec.linux.maskedPaths, undefined);
  assert.deepEqual(spec.linux.resources?.devices, [{ allow: true, access: 'rwm' }]);
  assert.ok(spec.mounts.find((m) => m.destination === '/sys')?.options?.includes('rw'));
  const limited = buildOciSpec(input({ privileged: true }), {
    ...host,
    capabilities: ALL_CAPABILITIES.filter((c) => c !== 'CAP_SYS_RESOURCE'),
  });
  assert.ok(!limited.process.capabilities?.bounding?.includes('CAP_SYS_RESOURCE'), 'never more than the daemon has');
});

test('security options: no-new-privileges, seccomp=unconfined, a profile JSON, systempaths, apparmor ignored, junk refused', () => {
  assert.equal(buildOciSpec(input({ securityOpt: ['no-new-privileges'] }), host).process.noNewPrivileges, true);
  assert.equal(buildOciSpec(input({ securityOpt: ['no-new-privileges:true'] }), host).process.noNewPrivileges, true);
  assert.equal(buildOciSpec(input({ securityOpt: ['no-new-privileges=false'] }), host).process.noNewPrivileges, false);
  assert.equal(buildOciSpec(input({ securityOpt: ['seccomp=unconfined'] }), host).linux.seccomp, undefined);
  const profile = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] });
  assert.equal(
    (
      buildOciSpec(input({ securityOpt: [`seccomp=${profile}`, 'apparmor=unconfined'] }), host).linux.seccomp as {
        defaultAction: string;
      }
    ).defaultAction,
    'SCMP_ACT_ALLOW',
  );
  assert.equal(buildOciSpec(input({ securityOpt: ['systempaths=unconfined'] }), host).linux.maskedPaths, undefined);
  assert.throws(() => buildOciSpec(input({ securityOpt: ['seccomp={bad'] }), host), /decoding seccomp profile failed/);
  assert.throws(
    () => buildOciSpec(input({ securityOpt: ['nonsense=1'] }), host),
    /invalid --security-opt 2: "nonsense=1"/,
  );
  assert.throws(() => buildOciSpec(input({ securityOpt: ['nonsense'] }), host), /invalid --security-opt 1: "nonsense"/);
});

test('seccomp follows the effective capabilities: cap-add SYS_ADMIN allows mount', () => {
  type Seccomp = { syscalls: { names: string[]; action: string }[] };
  const allowsMount = (s: unknown): boolean =>
    (s as Seccomp).syscalls.some((r) => r.action === 'SCMP_ACT_ALLOW' && r.names.includes('mount'));
  assert.equal(allowsMount(buildOciSpec(input(), host).linux.seccomp), false);
  assert.equal(allowsMount(buildOciSpec(input({ capAdd: ['SYS_ADMIN'] }), host).linux.seccomp), true);
});

test("resources: memory (swap twice memory by default), NanoCpus as quota over 100ms, shares, cpuset, pids, Docker's errors", () => {
  const r = buildOciSpec(
    input({ resources: { memory: 64 << 20, nanoCpus: 1_500_000_000, cpuShares: 512, cpusetCpus: '0', pidsLimit: 20 } }),
    host,
  ).linux.resources;
  assert.deepEqual(r?.memory, { limit: 64 << 20, swap: 128 << 20 });
  assert.deepEqual(r?.cpu, { shares: 512, period: 100000, quota: 150000, cpus: '0' });
  assert.deepEqual(r?.pids, { limit: 20 });
  assert.equal(
    buildOciSpec(input({ resources: { memory: 64 << 20, memorySwap: -1 } }), host).linux.resources?.memory?.swap,
    -1,
  );
  assert.equal(
    buildOciSpec(input({ resources: { memory: 64 << 20 } }), { ...host, swapLimitSupported: false }).linux.resources
      ?.memory?.swap,
    undefined,
  );
  assert.throws(
    () => buildOciSpec(input({ resources: { memory: 64 << 20, memorySwap: 1 << 20 } }), host),
    /Minimum memoryswap limit should be larger than memory limit/,
  );
  assert.throws(
    () => buildOciSpec(input({ resources: { memorySwap: 1 << 20 } }), host),
    /always set the Memory limit when using Memoryswap/,
  );
  assert.throws(
    () => buildOciSpec(input({ resources: { nanoCpus: 1e9, cpuQuota: 50000 } }), host),
    /Nano CPUs and CPU Period cannot both be set/,
  );
});

test("network namespaces: host shares the host's, a path joins it; cgroup v2 adds a cgroup namespace", () => {
  assert.ok(
    !buildOciSpec(input({ network: { mode: 'host' } }), host).linux.namespaces.some((n) => n.type === 'network'),
  );
  assert.deepEqual(
    buildOciSpec(input({ network: { mode: 'path', path: '/run/netns/x' } }), host).linux.namespaces.find(
      (n) => n.type === 'network',
    ),
    { type: 'network', path: '/run/netns/x' },
  );
  assert.ok(buildOciSpec(input(), { ...host, cgroupVersion: '2' }).linux.namespaces.some((n) => n.type === 'cgroup'));
  assert.ok(!buildOciSpec(input(), host).linux.namespaces.some((n) => n.type === 'cgroup'));
});

test('user mounts: binds with ro/rw and propagation, tmpfs with options, a user /dev/shm replaces the default; init bound and prepended', () => {
  const spec = buildOciSpec(
    input({
      readonlyRootfs: true,
      mounts: [
        { type: 'bind', source: '/host/a', destination: '/a', readOnly: true, propagation: 'rslave' },
        { type: 'tmpfs', destination: '/t', readOnly: false, options: ['size=1m'] },
        { type: 'tmpfs', destination: '/dev/shm', readOnly: false, options: ['size=2m'] },
      ],
      initPath: '/usr/bin/catatonit',
    }),
    host,
  );
  assert.equal(spec.root.readonly, true);
  assert.deepEqual(
    spec.mounts.find((m) => m.destination === '/a'),
    { destination: '/a', type: 'bind', source: '/host/a', options: ['rbind', 'ro', 'rslave'] },
  );
  assert.ok(spec.mounts.find((m) => m.destination === '/t')?.options?.includes('size=1m'));
  const shm = spec.mounts.filter((m) => m.destination === '/dev/shm');
  assert.equal(shm.length, 1);
  assert.ok(shm[0]?.options?.includes('size=2m'));
  assert.deepEqual(spec.process.args.slice(0, 3), ['/sbin/docker-init', '--', 'sh']);
  assert.equal(spec.mounts.find((m) => m.destination === '/sbin/docker-init')?.source, '/usr/bin/catatonit');
});

test('user, sysctls, oom score and tty pass through', () => {
  const spec = buildOciSpec(
    input({
      user: { uid: 1000, gid: 1000, additionalGids: [10], home: '/home/a' },
      sysctls: { 'net.ipv4.ip_forward': '1' },
      oomScoreAdj: 500,
      tty: true,
    }),
    host,
  );
  assert.deepEqual(spec.process.user, { uid: 1000, gid: 1000, additionalGids: [10] });
  assert.deepEqual(spec.linux.sysctl, { 'net.ipv4.ip_forward': '1' });
  assert.equal(spec.process.oomScoreAdj, 500);
  assert.equal(spec.process.terminal, true);
});
