// The OCI runtime config for a container, with Docker's defaults: capabilities, seccomp from Docker's profile,
// masked and read-only /proc paths, read-only /sys, a device allowlist, private namespaces (cgroup ns on v2),
// rlimits no higher than the host allows. Privileged: every capability and host device, no seccomp, rw /sys.
import { invalidArgument } from '../errdefs.js';
import type {
  OciBlockIO,
  OciDevice,
  OciLinux,
  OciMount,
  OciResources,
  OciRlimit,
  OciRuntimeSpec,
} from '../../spec/oci/runtime-spec.js';
import { containerDeviceNodes, deviceCgroupAllows, type SpecBlkio } from './devices.js';
import { effectiveCapabilities } from './capabilities.js';
import { DOCKER_DEFAULT_PROFILE, toOciSeccomp } from './seccomp.js';
import { parseSecurityOptions } from './security-opts.js';
import type { ContainerSpecInput, NamespaceJoin, SpecMount, SpecUlimit } from './spec-input.js';
import type { OciNamespaceType } from '../../spec/oci/runtime-spec.js';
import {
  DEFAULT_DEVICE_CGROUP,
  DEFAULT_NOFILE,
  DEFAULT_SHM_SIZE,
  MASKED_PATHS,
  PRIVILEGED_DEVICE_CGROUP,
  READONLY_PATHS,
  RLIMIT_NAMES,
  defaultMounts,
} from './docker-defaults.js';

export { MASKED_PATHS, READONLY_PATHS } from './docker-defaults.js';

export interface HostRuntimeFacts {
  /** Go's name for the architecture (amd64, arm64, ...). */
  goArch: string;
  /** `uname -r`. */
  kernel: string;
  cgroupVersion: '1' | '2';
  /** Hard limits of the daemon, by RLIMIT_ name (-1 or absent: unlimited): the container never gets more. */
  hardLimits: Record<string, number>;
  /** cgroup v1 without memory.memsw: swap limits cannot be set (Docker drops them too). */
  swapLimitSupported?: boolean;
  /** The host's device nodes, given to privileged containers. */
  devices?: OciDevice[];
  /** The daemon's bounding set: what privileged and --cap-add ALL can give (default: every capability). */
  capabilities?: string[];
  /** No cgroup can be made (rootless on cgroup v1): containers get no cgroupsPath and stay in the daemon's. */
  cgroupsUnavailable?: boolean;
}

const INIT_PATH = '/sbin/docker-init';

/** RLIM_INFINITY; a JS number cannot hold 2^64-1 exactly, so serializeOciSpec writes it out by hand. */
export const RLIM_INFINITY = 2 ** 64;

/** config.json text: exact 2^64-1 for unlimited rlimits. */
export function serializeOciSpec(spec: OciRuntimeSpec): string {
  return JSON.stringify(spec, (_key, value: unknown) =>
    value === RLIM_INFINITY ? '__RLIM_INFINITY__' : value,
  ).replaceAll('"__RLIM_INFINITY__"', '18446744073709551615');
}

function rlimits(ulimits: SpecUlimit[], host: HostRuntimeFacts): OciRlimit[] {
  const capOf = (type: string): number | undefined => {
    const cap = host.hardLimits[type];
    return cap === undefined || cap < 0 ? undefined : cap;
  };
  const nofile = Math.min(DEFAULT_NOFILE, capOf('RLIMIT_NOFILE') ?? DEFAULT_NOFILE);
  const limits = new Map<string, OciRlimit>([['RLIMIT_NOFILE', { type: 'RLIMIT_NOFILE', hard: nofile, soft: nofile }]]);
  for (const u of ulimits) {
    const type = RLIMIT_NAMES[u.name];
    if (!type) throw invalidArgument(`invalid ulimit type: ${u.name}`);
    if (u.soft > u.hard && u.hard !== -1)
      throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${u.soft} > ${u.hard}`);
    const cap = capOf(type);
    // -1 is unlimited; asking for more than the daemon itself may have is refused rather than silently lowered.
    if (cap !== undefined && (u.hard === -1 || u.hard > cap))
      throw invalidArgument(
        `ulimit ${u.name}: hard limit ${u.hard === -1 ? 'unlimited' : u.hard} is above the host's hard limit ${cap}`,
      );
    const toOci = (n: number): number => (n === -1 ? RLIM_INFINITY : n);
    limits.set(type, { type, hard: toOci(u.hard), soft: toOci(u.soft) });
  }
  return [...limits.values()];
}

function userMount(m: SpecMount): OciMount {
  if (m.type === 'tmpfs') {
    return {
      destination: m.destination,
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'nodev', 'noexec', ...(m.readOnly ? ['ro'] : []), ...m.options],
    };
  }
  return {
    destination: m.destination,
    type: 'bind',
    source: m.source,
    options: ['rbind', m.readOnly ? 'ro' : 'rw', m.propagation ?? 'rprivate'],
  };
}

/** As Docker: a shared bind makes the rootfs rshared, a slave one rslave, so the propagation can happen at all. */
function rootfsPropagation(mounts: ContainerSpecInput['mounts']): { rootfsPropagation?: string } {
  const kinds = mounts.map((m) => (m.type === 'bind' ? (m.propagation ?? '') : ''));
  if (kinds.some((p) => p === 'shared' || p === 'rshared')) return { rootfsPropagation: 'rshared' };
  if (kinds.some((p) => p === 'slave' || p === 'rslave')) return { rootfsPropagation: 'rslave' };
  return {};
}

function blockIO(b: SpecBlkio | undefined): OciBlockIO | undefined {
  if (!b) return undefined;
  const rates = (list: SpecBlkio['readBps']): { major: number; minor: number; rate: number }[] =>
    list.map((d) => ({ major: d.major, minor: d.minor, rate: d.value }));
  const out: OciBlockIO = {
    ...(b.weight ? { weight: b.weight } : {}),
    ...(b.weightDevice.length
      ? { weightDevice: b.weightDevice.map((d) => ({ major: d.major, minor: d.minor, weight: d.value })) }
      : {}),
    ...(b.readBps.length ? { throttleReadBpsDevice: rates(b.readBps) } : {}),
    ...(b.writeBps.length ? { throttleWriteBpsDevice: rates(b.writeBps) } : {}),
    ...(b.readIOps.length ? { throttleReadIOPSDevice: rates(b.readIOps) } : {}),
    ...(b.writeIOps.length ? { throttleWriteIOPSDevice: rates(b.writeIOps) } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

function resources(input: ContainerSpecInput, host: HostRuntimeFacts): OciResources {
  const { resources: r, privileged } = input;
  const devices = privileged
    ? PRIVILEGED_DEVICE_CGROUP
    : [...DEFAULT_DEVICE_CGROUP, ...deviceCgroupAllows(input.devices ?? []), ...(input.deviceCgroupRules ?? [])];
  const out: OciResources = { devices };
  if (r.memory && r.memory > 0) {
    const swapAllowed = host.swapLimitSupported ?? true;
    const swap = r.memorySwap === undefined || r.memorySwap === 0 ? r.memory * 2 : r.memorySwap;
    if (swap !== -1 && swap < r.memory)
      throw invalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
    out.memory = {
      limit: r.memory,
      ...(swapAllowed ? { swap } : {}),
      ...(r.memoryReservation ? { reservation: r.memoryReservation } : {}),
    };
  } else if (r.memorySwap && r.memorySwap > 0) {
    throw invalidArgument('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (r.memorySwappiness !== undefined || r.oomKillDisable || r.kernelMemoryTcp) {
    out.memory = {
      ...out.memory,
      ...(r.memorySwappiness !== undefined ? { swappiness: r.memorySwappiness } : {}),
      ...(r.oomKillDisable ? { disableOOMKiller: true } : {}),
      ...(r.kernelMemoryTcp ? { kernelTCP: r.kernelMemoryTcp } : {}),
    };
  }
  if (r.nanoCpus && (r.cpuQuota || r.cpuPeriod))
    throw invalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (r.nanoCpus) {
    cpu.period = 100000;
    cpu.quota = Math.round((r.nanoCpus * 100000) / 1e9);
  }
  if (r.cpuQuota) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if (r.cpuRealtimePeriod) cpu.realtimePeriod = r.cpuRealtimePeriod;
  if (r.cpuRealtimeRuntime) cpu.realtimeRuntime = r.cpuRealtimeRuntime;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  if (r.pidsLimit && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit };
  const blkio = blockIO(r.blkio);
  if (blkio) out.blockIO = blkio;
  return out;
}

const PRIVATE: NamespaceJoin = { mode: 'private' };

/** A namespace entry per join: new (no path), another's (path), or none at all for the host's. */
function namespaces(input: ContainerSpecInput, host: HostRuntimeFacts): OciLinux['namespaces'] {
  const ns: OciLinux['namespaces'] = [{ type: 'mount' }];
  const add = (type: OciNamespaceType, join: NamespaceJoin): void => {
    if (join.mode === 'private') ns.push({ type });
    else if (join.mode === 'path') ns.push({ type, path: join.path });
  };
  add('pid', input.namespaces?.pid ?? PRIVATE);
  add('ipc', input.namespaces?.ipc ?? PRIVATE);
  add('uts', input.namespaces?.uts ?? PRIVATE);
  add('network', input.network);
  const cgroupns = input.namespaces?.cgroup ?? (host.cgroupVersion === '2' ? 'private' : 'host');
  if (cgroupns === 'private') ns.push({ type: 'cgroup' });
  return ns;
}

/** /dev/shm per the IPC mode: Docker's tmpfs, none, or the host's or the donor's bound in. */
function withShm(mounts: OciMount[], input: ContainerSpecInput): OciMount[] {
  const shm = input.shm ?? { mode: 'tmpfs' };
  if (shm.mode === 'tmpfs') return mounts;
  const rest = mounts.filter((m) => m.destination !== '/dev/shm');
  return shm.mode === 'none'
    ? rest
    : [...rest, { destination: '/dev/shm', type: 'bind', source: shm.source, options: ['rbind', 'rprivate'] }];
}

const pathDepth = (p: string): number => p.split('/').filter(Boolean).length;

function etcMounts(etc: ContainerSpecInput['etcFiles']): OciMount[] {
  const files: [string, string | undefined][] = [
    ['/etc/resolv.conf', etc.resolvConf],
    ['/etc/hostname', etc.hostname],
    ['/etc/hosts', etc.hosts],
  ];
  return files
    .filter((f): f is [string, string] => Boolean(f[1]))
    .map(([destination, source]) => ({ destination, type: 'bind', source, options: ['rbind', 'rprivate'] }));
}

export function buildOciSpec(input: ContainerSpecInput, host: HostRuntimeFacts): OciRuntimeSpec {
  if (input.args.length === 0) throw invalidArgument('no command specified');
  const { privileged } = input;
  const caps = effectiveCapabilities(input.capAdd, input.capDrop, privileged, host.capabilities);
  const security = parseSecurityOptions(input.securityOpt);
  const seccomp =
    privileged || security.seccomp === 'unconfined'
      ? undefined
      : toOciSeccomp(security.seccomp ?? DOCKER_DEFAULT_PROFILE, {
          goArch: host.goArch,
          kernel: host.kernel,
          capabilities: caps,
        });
  const confinePaths = !privileged && !security.unmaskSystemPaths;
  const userDestinations = new Set(input.mounts.map((m) => m.destination));
  // A user mount on a default destination (e.g. --tmpfs /dev/shm) replaces the default one, as in Docker.
  const mounts: OciMount[] = [
    ...withShm(
      defaultMounts({ privileged, shmSize: input.shmSize > 0 ? input.shmSize : DEFAULT_SHM_SIZE }),
      input,
    ).filter((m) => !userDestinations.has(m.destination)),
    // Parents before children, as Docker sorts them: a volume on /etc does not hide /etc/hosts.
    ...[
      ...etcMounts(input.etcFiles).filter((m) => !userDestinations.has(m.destination)),
      ...(input.initPath
        ? [{ destination: INIT_PATH, type: 'bind', source: input.initPath, options: ['rbind', 'ro', 'rprivate'] }]
        : []),
      ...input.mounts.map(userMount),
    ].sort((a, b) => pathDepth(a.destination) - pathDepth(b.destination)),
  ];

  const utsPrivate = (input.namespaces?.uts ?? PRIVATE).mode === 'private';
  // Privileged: every host node; else the --device nodes (a --device beside --privileged is already there).
  const userNodes = containerDeviceNodes(input.devices ?? []);
  const hostNodes = privileged ? (host.devices ?? []) : [];
  const deviceNodes = [...hostNodes.filter((d) => !userNodes.some((u) => u.path === d.path)), ...userNodes];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: input.tty,
      user: {
        uid: input.user.uid,
        gid: input.user.gid,
        ...(input.user.additionalGids.length ? { additionalGids: input.user.additionalGids } : {}),
      },
      args: input.initPath ? [INIT_PATH, '--', ...input.args] : input.args,
      env: input.env,
      cwd: input.cwd || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      rlimits: rlimits(input.ulimits, host),
      noNewPrivileges: security.noNewPrivileges,
      ...(input.oomScoreAdj ? { oomScoreAdj: input.oomScoreAdj } : {}),
    },
    root: { path: input.rootfsPath, readonly: input.readonlyRootfs },
    // runc sets no hostname in a UTS namespace it does not own (--uts host or container:<id>).
    ...(utsPrivate ? { hostname: input.hostname } : {}),
    ...(utsPrivate && input.domainname ? { domainname: input.domainname } : {}),
    mounts,
    linux: {
      namespaces: namespaces(input, host),
      ...(deviceNodes.length ? { devices: deviceNodes } : {}),
      resources: resources(input, host),
      // runc (rootless) tolerates a cgroup it cannot make only when no path was asked for.
      ...(host.cgroupsUnavailable ? {} : { cgroupsPath: input.cgroupsPath }),
      ...(Object.keys(input.sysctls).length > 0 ? { sysctl: input.sysctls } : {}),
      ...(seccomp ? { seccomp } : {}),
      ...rootfsPropagation(input.mounts),
      ...(confinePaths
        ? { maskedPaths: input.maskedPaths ?? MASKED_PATHS, readonlyPaths: input.readonlyPaths ?? READONLY_PATHS }
        : {}),
    },
    ...(input.annotations && Object.keys(input.annotations).length ? { annotations: input.annotations } : {}),
  };
}
