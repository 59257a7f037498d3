// HostConfig fields that reach the OCI spec: namespaces (host, container:<id>, cgroupns), IPC's /dev/shm, devices and
// device cgroup rules, blkio, memory knobs, masked and read-only paths, annotations; and the create-time check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specInputFromRecord, hostDevicePaths, type RecordSpecContext } from './spec-from-record.js';
import { buildOciSpec, MASKED_PATHS, type HostRuntimeFacts } from './oci-spec.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { HostConfig } from '../../spec/docker/containers.js';
import type { HostDeviceNode } from './devices.js';
import { checkHostConfig, withHostConfigDefaults, type HostConfigSupport } from '../containers/host-config-check.js';

const host: HostRuntimeFacts = { goArch: 'amd64', kernel: '6.1.0', cgroupVersion: '1', hardLimits: {} };
const fuse: HostDeviceNode = { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o600, uid: 0, gid: 0 };
const vda: HostDeviceNode = { path: '/dev/vda', type: 'b', major: 254, minor: 0, fileMode: 0o660, uid: 0, gid: 6 };

function spec(
  hostConfig: HostConfig,
  over: Partial<RecordSpecContext> = {},
  facts = host,
): ReturnType<typeof buildOciSpec> {
  const record = {
    id: 'e'.repeat(64),
    path: 'true',
    args: [],
    config: { Hostname: 'h' },
    hostConfig,
  } as unknown as ContainerRecord;
  const ctx: RecordSpecContext = {
    record,
    mounts: [],
    user: { uid: 0, gid: 0, additionalGids: [], home: '/' },
    rootfsPath: '/r',
    etcFiles: {},
    hostHostname: 'thehost',
    hostDevices: new Map([
      ['/dev/fuse', [fuse]],
      ['/dev/vda', [vda]],
    ]),
    ...over,
  };
  return buildOciSpec(specInputFromRecord(ctx), facts);
}

const nsTypes = (s: ReturnType<typeof buildOciSpec>): string[] =>
  s.linux.namespaces.map((n) => (n.path ? `${n.type}=${n.path}` : n.type)).sort();

test('pid, ipc and uts: private by default, none for host, a path for container:<id>', () => {
  assert.deepEqual(nsTypes(spec({})), ['ipc', 'mount', 'network', 'pid', 'uts']);
  const hostNs = spec({ PidMode: 'host', IpcMode: 'host', UTSMode: 'host' });
  assert.deepEqual(nsTypes(hostNs), ['mount', 'network']);
  assert.equal(hostNs.hostname, undefined, 'runc sets no hostname in the host UTS namespace');
  assert.deepEqual(
    hostNs.mounts.find((m) => m.destination === '/dev/shm'),
    { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] },
  );
  const joined = spec(
    { PidMode: 'container:a', IpcMode: 'container:a' },
    { namespacePaths: { pid: '/proc/7/ns/pid', ipc: '/proc/7/ns/ipc' }, ipcShmSource: '/run/x/shm' },
  );
  assert.deepEqual(nsTypes(joined), ['ipc=/proc/7/ns/ipc', 'mount', 'network', 'pid=/proc/7/ns/pid', 'uts']);
  assert.equal(joined.mounts.find((m) => m.destination === '/dev/shm')?.source, '/run/x/shm');
  assert.throws(() => spec({ PidMode: 'container:a' }), /PidMode container:a/);
  assert.equal(
    spec({ IpcMode: 'none' }).mounts.find((m) => m.destination === '/dev/shm'),
    undefined,
  );
  assert.equal(
    spec({ IpcMode: 'shareable' }, { ipcShmSource: '/run/c/shm' }).mounts.find((m) => m.destination === '/dev/shm')
      ?.source,
    '/run/c/shm',
  );
});

test('cgroup namespace: the host default per cgroup version, or as asked', () => {
  assert.ok(!nsTypes(spec({})).includes('cgroup'), 'v1: host');
  assert.ok(nsTypes(spec({}, {}, { ...host, cgroupVersion: '2' })).includes('cgroup'), 'v2: private');
  assert.ok(nsTypes(spec({ CgroupnsMode: 'private' })).includes('cgroup'));
  assert.ok(!nsTypes(spec({ CgroupnsMode: 'host' }, {}, { ...host, cgroupVersion: '2' })).includes('cgroup'));
});

test('devices: the node is made at its container path and allowed with its permissions; cgroup rules follow', () => {
  const s = spec({
    Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/f', CgroupPermissions: 'rw' }],
    DeviceCgroupRules: ['c 42:* rmw', 'a *:* m'],
  });
  assert.deepEqual(s.linux.devices, [
    { path: '/dev/f', type: 'c', major: 10, minor: 229, fileMode: 0o600, uid: 0, gid: 0 },
  ]);
  const rules = s.linux.resources?.devices ?? [];
  assert.deepEqual(rules.slice(-3), [
    { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' },
    { allow: true, type: 'c', major: 42, access: 'rmw' },
    { allow: true, type: 'a', access: 'm' },
  ]);
  assert.equal(
    spec({ Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '', CgroupPermissions: '' }] }).linux.devices?.[0]
      ?.path,
    '/dev/fuse',
  );
  assert.throws(
    () => spec({ Devices: [{ PathOnHost: '/dev/nope', PathInContainer: '', CgroupPermissions: 'rwm' }] }),
    /adding custom device "\/dev\/nope"/,
  );
  assert.throws(
    () => spec({ DeviceCgroupRules: ['bogus'] }),
    /DeviceCgroupRules: invalid device cgroup rule format: 'bogus'/,
  );
  assert.deepEqual(
    hostDevicePaths({
      Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '', CgroupPermissions: '' }],
      BlkioDeviceReadBps: [{ Path: '/dev/vda', Rate: 1 }],
    }),
    ['/dev/fuse', '/dev/vda'],
  );
});

test('blkio, swappiness, OOM killer, kernel TCP memory and real-time CPU reach linux.resources', () => {
  const s = spec({
    BlkioWeight: 300,
    BlkioWeightDevice: [{ Path: '/dev/vda', Weight: 200 }],
    BlkioDeviceReadBps: [{ Path: '/dev/vda', Rate: 1048576 }],
    BlkioDeviceWriteIOps: [{ Path: '/dev/vda', Rate: 50 }],
    MemorySwappiness: 10,
    OomKillDisable: true,
    KernelMemoryTCP: 1 << 24,
    CpuRealtimePeriod: 1000000,
    CpuRealtimeRuntime: 950,
  });
  const r = s.linux.resources;
  assert.deepEqual(r?.blockIO, {
    weight: 300,
    weightDevice: [{ major: 254, minor: 0, weight: 200 }],
    throttleReadBpsDevice: [{ major: 254, minor: 0, rate: 1048576 }],
    throttleWriteIOPSDevice: [{ major: 254, minor: 0, rate: 50 }],
  });
  assert.deepEqual(r?.memory, { swappiness: 10, disableOOMKiller: true, kernelTCP: 1 << 24 });
  assert.equal(r?.cpu?.realtimePeriod, 1000000);
  assert.equal(r?.cpu?.realtimeRuntime, 950);
  assert.throws(
    () => spec({ BlkioDeviceReadBps: [{ Path: '/dev/fuse', Rate: 1 }] }),
    /BlkioDeviceReadBps: \/dev\/fuse is not a block device/,
  );
  assert.equal(spec({ MemorySwappiness: -1 }).linux.resources?.memory, undefined, "-1: the parent's");
});

test("masked and read-only paths replace Docker's lists; annotations reach the spec; privileged keeps neither", () => {
  const s = spec({ MaskedPaths: ['/proc/a'], ReadonlyPaths: [], Annotations: { 'org.example/k': 'v' } });
  assert.deepEqual(s.linux.maskedPaths, ['/proc/a']);
  assert.deepEqual(s.linux.readonlyPaths, []);
  assert.deepEqual(s.annotations, { 'org.example/k': 'v' });
  assert.deepEqual(spec({}).linux.maskedPaths, MASKED_PATHS);
  assert.equal(spec({ Privileged: true, MaskedPaths: ['/proc/a'] }).linux.maskedPaths, undefined);
});

const support: HostConfigSupport = {
  cgroupVersion: '1',
  runtimes: ['runc', 'my'],
  defaultRuntime: 'runc',
  blkioWeight: false,
  cpuRealtime: false,
  kernelMemoryTcp: true,
};

test("create refuses by name what this host cannot do, with Docker's words where Docker refuses too", () => {
  const refused: [HostConfig, RegExp][] = [
    [{ Isolation: 'hyperv' }, /Invalid Isolation: "hyperv" - linux only supports 'default'/],
    [
      { DeviceRequests: [{ Count: -1, Capabilities: [['gpu']] }] },
      /^DeviceRequests: could not select device driver "" with capabilities: \[\["gpu"\]\]/,
    ],
    [{ StorageOpt: { size: '1G' } }, /^StorageOpt: --storage-opt is supported only for overlay over xfs/],
    [{ UsernsMode: 'private' }, /invalid UsernsMode/],
    [{ BlkioWeight: 300 }, /^BlkioWeight: your kernel does not support Block I\/O weight/],
    [{ BlkioWeight: 5 }, /Range of blkio weight is from 10 to 1000/],
    [{ CpuRealtimeRuntime: 1000 }, /^CpuRealtimeRuntime: /],
    [{ CpuCount: 2 }, /^CpuCount: /],
    [{ CpuPercent: 50 }, /^CpuPercent: /],
    [{ IOMaximumIOps: 5 }, /IOMaximumIOps/],
    [{ IOMaximumBandwidth: 5 }, /IOMaximumBandwidth/],
    [{ MemorySwappiness: 200 }, /Invalid value: 200, valid memory swappiness range is 0-100/],
    [{ Runtime: 'nope' }, /Unknown runtime specified nope/],
    [{ PidMode: 'bogus' }, /invalid PidMode: "bogus"/],
    [{ IpcMode: 'bogus' }, /invalid IpcMode: "bogus"/],
    [{ UTSMode: 'private' }, /invalid UTSMode: "private"/],
    [{ CgroupnsMode: 'bogus' }, /invalid cgroup namespace mode: bogus/],
    [{ Cgroup: 'container:x' }, /^Cgroup: /],
    [{ VolumeDriver: 'flocker' }, /^VolumeDriver: /],
    [
      { Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '', CgroupPermissions: 'rwx' }] },
      /Devices: invalid device mode: rwx/,
    ],
    [{ DeviceCgroupRules: ['c 1:3'] }, /DeviceCgroupRules: invalid device cgroup rule format/],
    [{ MaskedPaths: ['proc/x'] }, /MaskedPaths: "proc\/x" is not an absolute path/],
  ];
  for (const [hc, message] of refused)
    assert.throws(
      () => checkHostConfig(hc, support),
      (err: Error & { kind?: string }) => err.kind === 'InvalidArgument' && message.test(err.message),
      JSON.stringify(hc),
    );
  for (const ok of [
    { Isolation: 'default' },
    { UsernsMode: 'host' },
    { PidMode: 'container:x' },
    { IpcMode: 'shareable' },
    { Runtime: 'my' },
    { KernelMemoryTCP: 1 << 24 },
    { MemorySwappiness: -1 },
  ]) {
    assert.doesNotThrow(() => checkHostConfig(ok, support), JSON.stringify(ok));
  }
  assert.throws(
    () => checkHostConfig({ KernelMemoryTCP: 1 }, { ...support, kernelMemoryTcp: false }),
    /^Error: KernelMemoryTCP|KernelMemoryTCP/,
  );
  assert.throws(() => checkHostConfig({ OomKillDisable: true }, { ...support, cgroupVersion: '2' }), /OomKillDisable/);
});

test("Docker's defaults as inspect shows them: private IPC, the host's cgroupns default, the default runtime, the path lists", () => {
  const hc = withHostConfigDefaults({}, support);
  assert.equal(hc.IpcMode, 'private');
  assert.equal(hc.CgroupnsMode, 'host');
  assert.equal(hc.Runtime, 'runc');
  assert.deepEqual(hc.MaskedPaths, MASKED_PATHS);
  assert.equal(
    withHostConfigDefaults({}, { ...support, cgroupVersion: '2', defaultRuntime: 'my' }).CgroupnsMode,
    'private',
  );
  assert.equal(withHostConfigDefaults({}, { ...support, defaultRuntime: 'my' }).Runtime, 'my');
  assert.equal(withHostConfigDefaults({ Privileged: true }, support).MaskedPaths, undefined);
  assert.deepEqual(withHostConfigDefaults({ SecurityOpt: ['systempaths=unconfined'] }, support).MaskedPaths, []);
});
