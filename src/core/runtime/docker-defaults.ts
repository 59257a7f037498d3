// The parts of Docker's default OCI spec that are plain data: masked and read-only /proc and /sys paths, the
// device cgroup allowlist, the mounts every container gets, rlimit names, the default nofile limit.
import type { OciDevice, OciDeviceCgroup, OciMount } from '../../spec/oci/runtime-spec.js';

export const MASKED_PATHS = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Deny everything, then the character devices a container needs (null, zero, full, random, tty, pts, tun). */
export const DEFAULT_DEVICE_CGROUP: OciDeviceCgroup[] = [
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

export const PRIVILEGED_DEVICE_CGROUP: OciDeviceCgroup[] = [{ allow: true, access: 'rwm' }];

export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/** Docker's nofile default; never above the daemon's own hard limit. */
export const DEFAULT_NOFILE = 1048576;

export const RLIMIT_NAMES: Record<string, string> = {
  nofile: 'RLIMIT_NOFILE',
  nproc: 'RLIMIT_NPROC',
  core: 'RLIMIT_CORE',
  memlock: 'RLIMIT_MEMLOCK',
  stack: 'RLIMIT_STACK',
  cpu: 'RLIMIT_CPU',
  fsize: 'RLIMIT_FSIZE',
  data: 'RLIMIT_DATA',
  as: 'RLIMIT_AS',
  locks: 'RLIMIT_LOCKS',
  sigpending: 'RLIMIT_SIGPENDING',
  msgqueue: 'RLIMIT_MSGQUEUE',
  nice: 'RLIMIT_NICE',
  rtprio: 'RLIMIT_RTPRIO',
  rttime: 'RLIMIT_RTTIME',
  rss: 'RLIMIT_RSS',
};

/** /proc, /dev, /dev/pts, /sys, the cgroup tree, /dev/mqueue, /dev/shm: what Docker mounts in every container. */
export function defaultMounts(opts: { privileged: boolean; shmSize: number }): OciMount[] {
  const sysMode = opts.privileged ? 'rw' : 'ro';
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', sysMode] },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['nosuid', 'noexec', 'nodev', 'relatime', sysMode],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${opts.shmSize}`],
    },
  ];
}

export type { OciDevice };
