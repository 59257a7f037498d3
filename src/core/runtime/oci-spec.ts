// The OCI runtime config for a container, with Docker's defaults: capabilities, seccomp from Docker's profile,
// masked and read-only /proc paths, read-only /sys, a device allowlist, private namespaces (cgroup ns on v2),
// rlimits no higher than the host allows. Privileged: every capability and host device, no seccomp, rw /sys.
import { invalidArgument } from '../errdefs.js';
import type { OciDevice, OciLinux, OciMount, OciResources, OciRlimit, OciRuntimeSpec } from '../../spec/oci/runtime-spec.js';
import { effectiveCapabilities } from './capabilities.js';
import { DOCKER_DEFAULT_PROFILE, toOciSeccomp } from './seccomp.js';
import { parseSecurityOptions } from './security-opts.js';
import type { ContainerSpecInput, SpecMount, SpecResources, SpecUlimit } from './spec-input.js';
import {
  DEFAULT_DEVICE_CGROUP, DEFAULT_NOFILE, DEFAULT_SHM_SIZE, MASKED_PATHS, PRIVILEGED_DEVICE_CGROUP, READONLY_PATHS, RLIMIT_NAMES, defaultMounts,
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
}

const INIT_PATH = '/sbin/docker-init';

/** RLIM_INFINITY; a JS number cannot hold 2^64-1 exactly, so serializeOciSpec writes it out by hand. */
export const RLIM_INFINITY = 2 ** 64;

/** config.json text: exact 2^64-1 for unlimited rlimits. */
export function serializeOciSpec(spec: OciRuntimeSpec): string {
  return JSON.stringify(spec, (_key, value: unknown) => (value === RLIM_INFINITY ? '__RLIM_INFINITY__' : value)).replaceAll('"__RLIM_INFINITY__"', '18446744073709551615');
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
    if (u.soft > u.hard && u.hard !== -1) throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${u.soft} > ${u.hard}`);
    const cap = capOf(type);
    // -1 is unlimited; asking for more than the daemon itself may have is refused rather than silently lowered.
    if (cap !== undefined && (u.hard === -1 || u.hard > cap)) throw invalidArgument(`ulimit ${u.name}: hard limit ${u.hard === -1 ? 'unlimited' : u.hard} is above the host's hard limit ${cap}`);
    const toOci = (n: number): number => (n === -1 ? RLIM_INFINITY : n);
    limits.set(type, { type, hard: toOci(u.hard), soft: toOci(u.soft) });
  }
  return [...limits.values()];
}

function userMount(m: SpecMount): OciMount {
  if (m.type === 'tmpfs') {
    return { destination: m.destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...(m.readOnly ? ['ro'] : []), ...m.options] };
  }
  return { destination: m.destination, type: 'bind', source: m.source, options: ['rbind', m.readOnly ? 'ro' : 'rw', m.propagation ?? 'rprivate'] };
}

function resources(r: SpecResources, privileged: boolean, host: HostRuntimeFacts): OciResources {
  const out: OciResources = { devices: privileged ? PRIVILEGED_DEVICE_CGROUP : DEFAULT_DEVICE_CGROUP };
  if (r.memory && r.memory > 0) {
    const swapAllowed = host.swapLimitSupported ?? true;
    const swap = r.memorySwap === undefined || r.memorySwap === 0 ? r.memory * 2 : r.memorySwap;
    if (swap !== -1 && swap < r.memory) throw invalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
    out.memory = { limit: r.memory, ...(swapAllowed ? { swap } : {}), ...(r.memoryReservation ? { reservation: r.memoryReservation } : {}) };
  } else if (r.memorySwap && r.memorySwap > 0) {
    throw invalidArgument('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (r.nanoCpus && (r.cpuQuota || r.cpuPeriod)) throw invalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
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
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  if (r.pidsLimit && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit };
  return out;
}

function namespaces(input: ContainerSpecInput, host: HostRuntimeFacts): OciLinux['namespaces'] {
  const ns: OciLinux['namespaces'] = [{ type: 'mount' }, { type: 'pid' }, { type: 'ipc' }, { type: 'uts' }];
  if (input.network.mode === 'private') ns.push({ type: 'network' });
  else if (input.network.mode === 'path') ns.push({ type: 'network', path: input.network.path });
  if (host.cgroupVersion === '2') ns.push({ type: 'cgroup' });
  return ns;
}

const pathDepth = (p: string): number => p.split('/').filter(Boolean).length;

function etcMounts(etc: ContainerSpecInput['etcFiles']): OciMount[] {
  const files: [string, string | undefined][] = [['/etc/resolv.conf', etc.resolvConf], ['/etc/hostname', etc.hostname], ['/etc/hosts', etc.hosts]];
  return files.filter((f): f is [string, string] => Boolean(f[1])).map(([destination, source]) => ({ destination, type: 'bind', source, options: ['rbind', 'rprivate'] }));
}

export function buildOciSpec(input: ContainerSpecInput, host: HostRuntimeFacts): OciRuntimeSpec {
  if (input.args.length === 0) throw invalidArgument('no command specified');
  const { privileged } = input;
  const caps = effectiveCapabilities(input.capAdd, input.capDrop, privileged, host.capabilities);
  const security = parseSecurityOptions(input.securityOpt);
  const seccomp = privileged || security.seccomp === 'unconfined'
    ? undefined
    : toOciSeccomp(security.seccomp ?? DOCKER_DEFAULT_PROFILE, { goArch: host.goArch, kernel: host.kernel, capabilities: caps });
  const confinePaths = !privileged && !security.unmaskSystemPaths;
  const userDestinations = new Set(input.mounts.map((m) => m.destination));
  // A user mount on a default destination (e.g. --tmpfs /dev/shm) replaces the default one, as in Docker.
  const mounts: OciMount[] = [
    ...defaultMounts({ privileged, shmSize: input.shmSize > 0 ? input.shmSize : DEFAULT_SHM_SIZE }).filter((m) => !userDestinations.has(m.destination)),
    // Parents before children, as Docker sorts them: a volume on /etc does not hide /etc/hosts.
    ...[
      ...etcMounts(input.etcFiles).filter((m) => !userDestinations.has(m.destination)),
      ...(input.initPath ? [{ destination: INIT_PATH, type: 'bind', source: input.initPath, options: ['rbind', 'ro', 'rprivate'] }] : []),
      ...input.mounts.map(userMount),
    ].sort((a, b) => pathDepth(a.destination) - pathDepth(b.destination)),
  ];

  return {
    ociVersion: '1.0.2',
    process: {
      terminal: input.tty,
      user: { uid: input.user.uid, gid: input.user.gid, ...(input.user.additionalGids.length ? { additionalGids: input.user.additionalGids } : {}) },
      args: input.initPath ? [INIT_PATH, '--', ...input.args] : input.args,
      env: input.env,
      cwd: input.cwd || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      rlimits: rlimits(input.ulimits, host),
      noNewPrivileges: security.noNewPrivileges,
      ...(input.oomScoreAdj ? { oomScoreAdj: input.oomScoreAdj } : {}),
    },
    root: { path: input.rootfsPath, readonly: input.readonlyRootfs },
    hostname: input.hostname,
    ...(input.domainname ? { domainname: input.domainname } : {}),
    mounts,
    linux: {
      namespaces: namespaces(input, host),
      ...(privileged && host.devices?.length ? { devices: host.devices } : {}),
      resources: resources(input.resources, privileged, host),
      cgroupsPath: input.cgroupsPath,
      ...(Object.keys(input.sysctls).length > 0 ? { sysctl: input.sysctls } : {}),
      ...(seccomp ? { seccomp } : {}),
      ...(confinePaths ? { maskedPaths: MASKED_PATHS, readonlyPaths: READONLY_PATHS } : {}),
    },
  };
}
