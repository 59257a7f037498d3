// From the engine's container record (Docker shapes) to the spec builder's input: Docker's environment
// defaults, network mode, resources, ulimits and the planned mounts.
import { invalidArgument } from '../errdefs.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { PlannedMount } from '../containers/mount-specs.js';
import type {
  ContainerSpecInput,
  NamespaceJoin,
  NetworkNamespace,
  ShmMount,
  SpecMount,
  SpecNamespaces,
} from './spec-input.js';
import type { ResolvedUser } from './user.js';
import {
  blkioDevices,
  parseDeviceCgroupRule,
  parseDevicePermissions,
  type HostDeviceNode,
  type SpecBlkio,
  type SpecDevice,
} from './devices.js';

export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_CGROUP_PARENT = '/berth';

const envKey = (e: string): string => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e);

/** Docker's order: PATH, HOSTNAME, TERM (with a TTY), then the container's own (replacing), then HOME if unset. */
export function containerEnv(opts: { env: string[]; hostname: string; tty: boolean; home: string }): string[] {
  const out: string[] = [DEFAULT_PATH_ENV, `HOSTNAME=${opts.hostname}`, ...(opts.tty ? ['TERM=xterm'] : [])];
  for (const e of opts.env) {
    const i = out.findIndex((x) => envKey(x) === envKey(e));
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  if (!out.some((e) => envKey(e) === 'HOME')) out.push(`HOME=${opts.home}`);
  return out;
}

export function networkNamespace(mode: string | undefined): NetworkNamespace {
  if (!mode || mode === 'default' || mode === 'none' || mode === 'bridge') return { mode: 'private' };
  if (mode === 'host') return { mode: 'host' };
  if (mode.startsWith('ns:')) return { mode: 'path', path: mode.slice(3) };
  // Named networks and container:<id> get their namespace from networking (ctx.netnsPath); else a private one.
  return { mode: 'private' };
}

export function specMount(m: PlannedMount): SpecMount {
  if (m.type === 'tmpfs')
    return { type: 'tmpfs', destination: m.destination, readOnly: m.readOnly, options: m.options };
  // The engine turns volumes into binds of their data directory before the runtime sees them.
  if (m.type === 'volume') throw invalidArgument(`volume "${m.source}" was not resolved to a host path`);
  return {
    type: 'bind',
    source: m.source,
    destination: m.destination,
    readOnly: m.readOnly,
    propagation: m.options[0] ?? 'rprivate',
  };
}

export interface RecordSpecContext {
  record: ContainerRecord;
  mounts: PlannedMount[];
  user: ResolvedUser;
  rootfsPath: string;
  etcFiles: ContainerSpecInput['etcFiles'];
  initPath?: string;
  /** The host's name: with --network host and no --hostname the container takes it, as in Docker. */
  hostHostname?: string;
  /** A namespace made by networking (bridge networks, container:<id>): joined instead of a new one. */
  netnsPath?: string;
  /** Namespaces of other containers to join (PidMode/IpcMode/UTSMode container:<id>), found by the engine. */
  namespacePaths?: { pid?: string; ipc?: string; uts?: string };
  /** IpcMode shareable: the container's own /dev/shm, kept on the host; container:<id>: the donor's. */
  ipcShmSource?: string;
  /** Host device nodes by host path (Devices, blkio device lists), looked up by the runtime driver. */
  hostDevices?: Map<string, HostDeviceNode[]>;
  /** Legacy link variables: below the container's own Env. */
  extraEnv?: string[];
}

function namespaceJoin(field: string, mode: string | undefined, path: string | undefined): NamespaceJoin {
  if (mode === 'host') return { mode: 'host' };
  if (mode?.startsWith('container:')) {
    if (!path) throw invalidArgument(`${field} ${mode}: the container's namespace was not found`);
    return { mode: 'path', path };
  }
  return { mode: 'private' };
}

export function specNamespaces(ctx: RecordSpecContext): SpecNamespaces {
  const hc = ctx.record.hostConfig;
  const p = ctx.namespacePaths ?? {};
  const cgroup = hc.CgroupnsMode === 'private' || hc.CgroupnsMode === 'host' ? hc.CgroupnsMode : undefined;
  return {
    pid: namespaceJoin('PidMode', hc.PidMode, p.pid),
    ipc: namespaceJoin('IpcMode', hc.IpcMode, p.ipc),
    uts: namespaceJoin('UTSMode', hc.UTSMode, p.uts),
    ...(cgroup ? { cgroup } : {}),
  };
}

function shmMount(ctx: RecordSpecContext): ShmMount {
  const mode = ctx.record.hostConfig.IpcMode;
  if (mode === 'none') return { mode: 'none' };
  if (mode === 'host') return { mode: 'bind', source: '/dev/shm' };
  if ((mode === 'shareable' || mode?.startsWith('container:')) && ctx.ipcShmSource)
    return { mode: 'bind', source: ctx.ipcShmSource };
  return { mode: 'tmpfs' };
}

function specDevices(ctx: RecordSpecContext): SpecDevice[] {
  return (ctx.record.hostConfig.Devices ?? []).map((d) => {
    const nodes = ctx.hostDevices?.get(d.PathOnHost);
    if (!nodes?.length)
      throw invalidArgument(
        `error gathering device information while adding custom device "${d.PathOnHost}": no such file or directory`,
      );
    return {
      pathOnHost: d.PathOnHost,
      pathInContainer: d.PathInContainer || d.PathOnHost,
      permissions: parseDevicePermissions(d.CgroupPermissions || 'rwm'),
      nodes,
    };
  });
}

function specBlkio(ctx: RecordSpecContext): SpecBlkio {
  const hc = ctx.record.hostConfig;
  const lookup = (path: string): HostDeviceNode | undefined => ctx.hostDevices?.get(path)?.[0];
  return {
    ...(hc.BlkioWeight ? { weight: hc.BlkioWeight } : {}),
    weightDevice: blkioDevices('BlkioWeightDevice', hc.BlkioWeightDevice, lookup),
    readBps: blkioDevices('BlkioDeviceReadBps', hc.BlkioDeviceReadBps, lookup),
    writeBps: blkioDevices('BlkioDeviceWriteBps', hc.BlkioDeviceWriteBps, lookup),
    readIOps: blkioDevices('BlkioDeviceReadIOps', hc.BlkioDeviceReadIOps, lookup),
    writeIOps: blkioDevices('BlkioDeviceWriteIOps', hc.BlkioDeviceWriteIOps, lookup),
  };
}

/** Every host path a record's devices and blkio lists name: what the driver must look up before specInputFromRecord. */
export function hostDevicePaths(hc: ContainerRecord['hostConfig']): string[] {
  const lists = [
    hc.BlkioWeightDevice,
    hc.BlkioDeviceReadBps,
    hc.BlkioDeviceWriteBps,
    hc.BlkioDeviceReadIOps,
    hc.BlkioDeviceWriteIOps,
  ] as ({ Path?: string }[] | null | undefined)[];
  const paths = [
    ...(hc.Devices ?? []).map((d) => d.PathOnHost),
    ...lists.flatMap((l) => (l ?? []).map((e) => e.Path ?? '')),
  ];
  return [...new Set(paths.filter(Boolean))];
}

export function specInputFromRecord(ctx: RecordSpecContext): ContainerSpecInput {
  const { record: c } = ctx;
  const hc = c.hostConfig;
  const network: NetworkNamespace = ctx.netnsPath
    ? { mode: 'path', path: ctx.netnsPath }
    : networkNamespace(hc.NetworkMode);
  const namespaces = specNamespaces(ctx);
  const hostname =
    c.config.Hostname || (network.mode === 'host' || namespaces.uts.mode === 'host' ? (ctx.hostHostname ?? '') : '');
  const tty = c.config.Tty ?? false;
  return {
    args: [c.path, ...c.args].filter((a, i) => i > 0 || a !== ''),
    env: containerEnv({ env: [...(ctx.extraEnv ?? []), ...(c.config.Env ?? [])], hostname, tty, home: ctx.user.home }),
    cwd: c.config.WorkingDir || '/',
    user: ctx.user,
    hostname,
    domainname: c.config.Domainname ?? '',
    tty,
    openStdin: c.config.OpenStdin ?? false,
    rootfsPath: ctx.rootfsPath,
    readonlyRootfs: hc.ReadonlyRootfs ?? false,
    privileged: hc.Privileged ?? false,
    capAdd: hc.CapAdd ?? [],
    capDrop: hc.CapDrop ?? [],
    securityOpt: hc.SecurityOpt ?? [],
    sysctls: hc.Sysctls ?? {},
    ulimits: (hc.Ulimits ?? []).map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })),
    mounts: ctx.mounts.map(specMount),
    etcFiles: ctx.etcFiles,
    shmSize: hc.ShmSize ?? 0,
    resources: {
      memory: hc.Memory,
      memorySwap: hc.MemorySwap,
      memoryReservation: hc.MemoryReservation,
      nanoCpus: hc.NanoCpus,
      cpuShares: hc.CpuShares,
      cpuQuota: hc.CpuQuota,
      cpuPeriod: hc.CpuPeriod,
      cpusetCpus: hc.CpusetCpus,
      cpusetMems: hc.CpusetMems,
      pidsLimit: hc.PidsLimit ?? undefined,
      ...(hc.MemorySwappiness !== undefined && hc.MemorySwappiness !== null && hc.MemorySwappiness >= 0
        ? { memorySwappiness: hc.MemorySwappiness }
        : {}),
      ...(hc.OomKillDisable ? { oomKillDisable: true } : {}),
      ...(hc.KernelMemoryTCP ? { kernelMemoryTcp: hc.KernelMemoryTCP } : {}),
      ...(hc.CpuRealtimePeriod ? { cpuRealtimePeriod: hc.CpuRealtimePeriod } : {}),
      ...(hc.CpuRealtimeRuntime ? { cpuRealtimeRuntime: hc.CpuRealtimeRuntime } : {}),
      blkio: specBlkio(ctx),
    },
    network,
    ...(ctx.initPath ? { initPath: ctx.initPath } : {}),
    cgroupsPath: `${(hc.CgroupParent || DEFAULT_CGROUP_PARENT).replace(/\/+$/, '')}/${c.id}`,
    ...(hc.OomScoreAdj ? { oomScoreAdj: hc.OomScoreAdj } : {}),
    namespaces,
    shm: shmMount(ctx),
    devices: specDevices(ctx),
    deviceCgroupRules: (hc.DeviceCgroupRules ?? []).map(parseDeviceCgroupRule),
    ...(hc.MaskedPaths ? { maskedPaths: hc.MaskedPaths } : {}),
    ...(hc.ReadonlyPaths ? { readonlyPaths: hc.ReadonlyPaths } : {}),
    ...(hc.Annotations && Object.keys(hc.Annotations).length ? { annotations: hc.Annotations } : {}),
  };
}
