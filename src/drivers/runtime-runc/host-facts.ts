// Facts about this host the spec builder needs and the daemon may not have given: the daemon's bounding
// capability set, its hard rlimits (/proc/self/limits), whether cgroup v1 can limit swap, and the device
// nodes a privileged container gets.
import { access, lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { HostRuntimeFacts } from '../../core/runtime/oci-spec.js';
import { capabilitiesFromMask } from '../../core/runtime/capabilities.js';
import type { OciDevice } from '../../spec/oci/runtime-spec.js';
import type { HostCpus } from '../../core/containers/resource-check.js';

const LIMIT_ROWS: Record<string, string> = {
  'Max cpu time': 'RLIMIT_CPU',
  'Max file size': 'RLIMIT_FSIZE',
  'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK',
  'Max core file size': 'RLIMIT_CORE',
  'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC',
  'Max open files': 'RLIMIT_NOFILE',
  'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS',
  'Max file locks': 'RLIMIT_LOCKS',
  'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE',
  'Max nice priority': 'RLIMIT_NICE',
  'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

/** /proc/<pid>/limits as hard limits by RLIMIT_ name; "unlimited" is -1. */
export function parseHardLimits(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n').slice(1)) {
    const name = Object.keys(LIMIT_ROWS).find((k) => line.startsWith(k));
    if (!name) continue;
    const cols = line.slice(name.length).trim().split(/\s+/);
    const hard = cols[1];
    if (hard !== undefined) out[LIMIT_ROWS[name] as string] = hard === 'unlimited' ? -1 : Number(hard);
  }
  return out;
}

const SKIP_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);
// runc creates these itself in every container.
const SKIP_NODES = new Set([
  '/dev/null',
  '/dev/zero',
  '/dev/full',
  '/dev/random',
  '/dev/urandom',
  '/dev/tty',
  '/dev/console',
  '/dev/ptmx',
]);

/** Character and block devices under /dev, as privileged containers get them. */
export async function hostDevices(dir = '/dev'): Promise<OciDevice[]> {
  const out: OciDevice[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...(await hostDevices(path)));
      continue;
    }
    if (!(entry.isCharacterDevice() || entry.isBlockDevice()) || SKIP_NODES.has(path)) continue;
    const st = await lstat(path).catch(() => undefined);
    if (!st) continue;
    const major = Number((BigInt(st.rdev) >> 8n) & 0xfffn);
    const minor = Number((BigInt(st.rdev) & 0xffn) | ((BigInt(st.rdev) >> 12n) & 0xfff00n));
    out.push({
      path,
      type: entry.isCharacterDevice() ? 'c' : 'b',
      major,
      minor,
      fileMode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
    });
  }
  return out;
}

/** Fills in what the daemon left out; what it gave wins (its hard limits above all). */
export async function completeHostFacts(host: HostRuntimeFacts): Promise<HostRuntimeFacts> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const bounding = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  const limits = parseHardLimits(await readFile('/proc/self/limits', 'utf8').catch(() => ''));
  const swap =
    host.cgroupVersion === '2' ||
    (await access('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes').then(
      () => true,
      () => false,
    ));
  return {
    ...host,
    hardLimits: { ...limits, ...host.hardLimits },
    capabilities: host.capabilities ?? (bounding ? capabilitiesFromMask(bounding) : undefined),
    swapLimitSupported: host.swapLimitSupported ?? swap,
    devices: host.devices ?? (await hostDevices()),
  };
}

const readNumber = (path: string): Promise<number | undefined> =>
  readFile(path, 'utf8').then(
    (t) => Number(t.trim()),
    () => undefined,
  );
const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** What the cgroup controllers of this host can do for HostConfig (see core/containers/host-config-check.ts). */
export async function cgroupFeatures(
  cgroupVersion: '1' | '2',
  parent: string,
  root = '/sys/fs/cgroup',
): Promise<{ blkioWeight: boolean; cpuRealtime: boolean; kernelMemoryTcp: boolean; cpus: HostCpus }> {
  const cpus = { cpuCount: availableParallelism(), cpuset: await offeredCpuset(cgroupVersion, root) };
  if (cgroupVersion === '2') {
    return {
      blkioWeight: await exists(join(root, 'io.weight')).then((y) => y || exists(join(root, 'io.bfq.weight'))),
      cpuRealtime: false,
      kernelMemoryTcp: false,
      cpus,
    };
  }
  // Real-time tasks need a budget in every ancestor: without one for the containers' parent, runc's write fails.
  const parentBudget = (await readNumber(join(root, 'cpu', parent, 'cpu.rt_runtime_us'))) ?? 0;
  return {
    blkioWeight:
      (await exists(join(root, 'blkio', 'blkio.weight'))) || (await exists(join(root, 'blkio', 'blkio.bfq.weight'))),
    cpuRealtime: parentBudget > 0,
    // runc 1.1 writes no kmem limits at all (kernel memory accounting is deprecated): a TCP limit would be dropped.
    kernelMemoryTcp: false,
    cpus,
  };
}

/** The CPUs the root cpuset offers ('' when unreadable: nothing is checked then), as Docker's sysinfo reads them. */
async function offeredCpuset(cgroupVersion: '1' | '2', root: string): Promise<string> {
  const files =
    cgroupVersion === '2'
      ? [join(root, 'cpuset.cpus.effective')]
      : [join(root, 'cpuset', 'cpuset.effective_cpus'), join(root, 'cpuset', 'cpuset.cpus')];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.trim()) return text.trim();
  }
  return '';
}
