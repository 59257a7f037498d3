// The OCI runtime config for a container, with Docker's defaults: capabilities, seccomp, masked and read-only
// /proc paths, read-only /sys, a device allowlist, private namespaces, rlimits no higher than the host allows.
import { invalidArgument } from '../errdefs.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { PlannedMount } from '../containers/mount-specs.js';
import type { OciMount, OciRuntimeSpec } from '../../spec/oci/runtime-spec.js';
import { effectiveCapabilities } from './capabilities.js';
import { DOCKER_DEFAULT_PROFILE, toOciSeccomp, type DockerSeccompProfile } from './seccomp.js';
import type { ResolvedUser } from './user.js';

export const MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap'];
export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const DEFAULT_DEVICES = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
  { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
  { allow: true, type: 'c', major: 136, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
  { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' },
];

const RLIMIT_NAMES: Record<string, string> = { nofile: 'RLIMIT_NOFILE', nproc: 'RLIMIT_NPROC', core: 'RLIMIT_CORE', memlock: 'RLIMIT_MEMLOCK', stack: 'RLIMIT_STACK', cpu: 'RLIMIT_CPU', fsize: 'RLIMIT_FSIZE', data: 'RLIMIT_DATA', as: 'RLIMIT_AS', locks: 'RLIMIT_LOCKS', sigpending: 'RLIMIT_SIGPENDING', msgqueue: 'RLIMIT_MSGQUEUE', nice: 'RLIMIT_NICE', rtprio: 'RLIMIT_RTPRIO', rttime: 'RLIMIT_RTTIME', rss: 'RLIMIT_RSS' };

export interface HostRuntimeFacts {
  goArch: string;
  kernel: string;
  cgroupVersion: '1' | '2';
  /** Hard limits of the daemon, by RLIMIT_ name: the container never gets more. */
  hardLimits: Record<string, number>;
}

export interface SpecInput {
  record: ContainerRecord;
  mounts: PlannedMount[];
  /** Host paths of the container's /etc files. */
  etc: { hosts: string; hostname: string; resolvConf: string };
  user: ResolvedUser;
  host: HostRuntimeFacts;
  /** Host path of the init binary, when --init. */
  initPath?: string;
  rootfsPath: string;
  cgroupsPath: string;
}

function securityOptions(opts: string[]): { noNewPrivileges: boolean; seccomp: DockerSeccompProfile | 'unconfined' | undefined } {
  let noNewPrivileges = false;
  let seccomp: DockerSeccompProfile | 'unconfined' | undefined;
  for (const opt of opts) {
    const [key = '', value = 'true'] = opt.includes('=') ? [opt.slice(0, opt.indexOf('=')), opt.slice(opt.indexOf('=') + 1)] : opt.split(':');
    if (key === 'no-new-privileges') noNewPrivileges = value !== 'false';
    else if (key === 'seccomp') {
      if (value === 'unconfined') seccomp = 'unconfined';
      else {
        try {
          seccomp = JSON.parse(value) as DockerSeccompProfile;
        } catch {
          throw invalidArgument(`opening seccomp profile (${value}) failed: not valid JSON`);
        }
      }
    } else if (key === 'apparmor' || key === 'label') continue;
    else throw invalidArgument(`invalid --security-opt 1: "${opt}"`);
  }
  return { noNewPrivileges, seccomp };
}

function userMounts(mounts: PlannedMount[]): OciMount[] {
  return mounts.map((m) => {
    if (m.type === 'tmpfs') return { destination: m.destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...(m.readOnly ? ['ro'] : []), ...m.options] };
    return { destination: m.destination, type: 'bind', source: m.source, options: ['rbind', m.readOnly ? 'ro' : 'rw', ...m.options] };
  });
}

export function buildOciSpec(input: SpecInput): OciRuntimeSpec {
  const { record: c, host } = input;
  const hc = c.hostConfig;
  const privileged = hc.Privileged ?? false;
  const caps = effectiveCapabilities(hc.CapAdd ?? [], hc.CapDrop ?? [], privileged);
  const security = securityOptions(hc.SecurityOpt ?? []);
  const args = [c.path, ...c.args];
  const initArgs = input.initPath ? ['/sbin/docker-init', '--', ...args] : args;

  const rlimits = new Map<string, { hard: number; soft: number }>();
  const nofileHard = host.hardLimits.RLIMIT_NOFILE ?? 1048576;
  rlimits.set('RLIMIT_NOFILE', { hard: Math.min(1048576, nofileHard), soft: Math.min(1048576, nofileHard) });
  for (const u of hc.Ulimits ?? []) {
    const type = RLIMIT_NAMES[u.Name];
    if (!type) throw invalidArgument(`invalid ulimit type: ${u.Name}`);
    if (u.Soft > u.Hard) throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
    const cap = host.hardLimits[type];
    if (cap !== undefined && cap >= 0 && u.Hard > cap) throw invalidArgument(`ulimit ${u.Name}: hard limit ${u.Hard} is above the host's ${cap}`);
    rlimits.set(type, { hard: u.Hard, soft: u.Soft });
  }

  const shmSize = hc.ShmSize && hc.ShmSize > 0 ? hc.ShmSize : 64 * 1024 * 1024;
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSize}`] },
    ...(hc.NetworkMode === 'host' ? [] : [
      { destination: '/etc/resolv.conf', type: 'bind', source: input.etc.resolvConf, options: ['rbind', 'rprivate'] },
      { destination: '/etc/hostname', type: 'bind', source: input.etc.hostname, options: ['rbind', 'rprivate'] },
      { destination: '/etc/hosts', type: 'bind', source: input.etc.hosts, options: ['rbind', 'rprivate'] },
    ]),
    ...(input.initPath ? [{ destination: '/sbin/docker-init', type: 'bind', source: input.initPath, options: ['rbind', 'ro', 'rprivate'] }] : []),
    ...userMounts(input.mounts),
  ];

  const namespaces: { type: string }[] = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  if (hc.NetworkMode !== 'host') namespaces.push({ type: 'network' });
  if (host.cgroupVersion === '2') namespaces.push({ type: 'cgroup' });
  if (hc.NetworkMode === 'host') {
    const i = namespaces.findIndex((n) => n.type === 'uts');
    if (i >= 0) namespaces.splice(i, 1);
  }

  const resources: NonNullable<OciRuntimeSpec['linux']['resources']> = { devices: privileged ? [{ allow: true, access: 'rwm' }] : DEFAULT_DEVICES };
  if (hc.Memory) resources.memory = { limit: hc.Memory, ...(hc.MemorySwap ? { swap: hc.MemorySwap } : { swap: hc.Memory * 2 }), ...(hc.MemoryReservation ? { reservation: hc.MemoryReservation } : {}) };
  const cpu: NonNullable<NonNullable<OciRuntimeSpec['linux']['resources']>['cpu']> = {};
  if (hc.CpuShares) cpu.shares = hc.CpuShares;
  if (hc.NanoCpus) {
    cpu.period = 100000;
    cpu.quota = Math.round((hc.NanoCpus * 100000) / 1e9);
  }
  if (hc.CpuQuota) cpu.quota = hc.CpuQuota;
  if (hc.CpuPeriod) cpu.period = hc.CpuPeriod;
  if (hc.CpusetCpus) cpu.cpus = hc.CpusetCpus;
  if (hc.CpusetMems) cpu.mems = hc.CpusetMems;
  if (Object.keys(cpu).length > 0) resources.cpu = cpu;
  if (hc.PidsLimit && hc.PidsLimit > 0) resources.pids = { limit: hc.PidsLimit };

  const seccomp = privileged || security.seccomp === 'unconfined' ? undefined : toOciSeccomp(security.seccomp ?? DOCKER_DEFAULT_PROFILE, { goArch: host.goArch, kernel: host.kernel, capabilities: caps });
  const env = c.config.Env ?? [];
  const withHome = env.some((e) => e.startsWith('HOME=')) ? env : [...env, `HOME=${input.user.home}`];
  const withPath = withHome.some((e) => e.startsWith('PATH=')) ? withHome : ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...withHome];
  const withHostname = c.config.Hostname ? [...withPath.filter((e) => !e.startsWith('HOSTNAME=')), `HOSTNAME=${c.config.Hostname}`] : withPath;
  const withTerm = c.config.Tty && !withHostname.some((e) => e.startsWith('TERM=')) ? [...withHostname, 'TERM=xterm'] : withHostname;

  return {
    ociVersion: '1.0.2',
    process: {
      terminal: c.config.Tty ?? false,
      user: { uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids },
      args: initArgs,
      env: withTerm,
      cwd: c.config.WorkingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      rlimits: [...rlimits].map(([type, l]) => ({ type, ...l })),
      noNewPrivileges: security.noNewPrivileges,
      ...(hc.OomScoreAdj ? { oomScoreAdj: hc.OomScoreAdj } : {}),
    },
    root: { path: input.rootfsPath, readonly: hc.ReadonlyRootfs ?? false },
    ...(hc.NetworkMode === 'host' ? {} : { hostname: c.config.Hostname ?? '' }),
    ...(c.config.Domainname ? { domainname: c.config.Domainname } : {}),
    mounts,
    linux: {
      namespaces,
      resources,
      cgroupsPath: input.cgroupsPath,
      ...(hc.Sysctls && Object.keys(hc.Sysctls).length > 0 ? { sysctl: hc.Sysctls } : {}),
      ...(seccomp ? { seccomp } : {}),
      ...(privileged ? {} : { maskedPaths: MASKED_PATHS, readonlyPaths: READONLY_PATHS }),
    },
  };
}
