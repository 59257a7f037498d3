// Every read and removal berth does in a container's cgroup, on either version: v1 keeps one directory per
// controller hierarchy (`<root>/<controller>/<path>`), v2 one unified directory (`<root>/<path>`). The root is
// /sys/fs/cgroup on a host; tests hand in fixture trees so that both versions are tested on any machine.
import { readFileSync } from 'node:fs';
import { readdir, rmdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { sampleV1, sampleV2, systemCpuUsage, networks, type CgroupSample } from './cgroup-stats.js';

export const HOST_CGROUP_ROOT = '/sys/fs/cgroup';

/** A cgroup file's text, '' when unreadable; read synchronously (cgroupfs is in-kernel: microseconds, no thread-pool trip). */
const text = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/** `oom_kill N` in v1 memory.oom_control and v2 memory.events. */
export function oomKillCount(content: string): number {
  const m = /^oom_kill (\d+)$/m.exec(content);
  return m ? Number(m[1]) : 0;
}

export class CgroupTree {
  constructor(
    readonly version: '1' | '2',
    readonly root = HOST_CGROUP_ROOT,
  ) {}

  /** Where a controller's files for `path` are: its hierarchy on v1, the one directory on v2. */
  dir(controller: string, path: string): string {
    return this.version === '2' ? join(this.root, path) : join(this.root, controller, path);
  }

  /** The directories holding this cgroup path: one per v1 hierarchy, or one on v2. */
  async dirs(path: string): Promise<string[]> {
    if (this.version === '2') return [join(this.root, path)];
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory() && e.name !== 'unified').map((e) => join(this.root, e.name, path));
  }

  /** Removes what runc left behind (it does when a process lingered); only empty cgroups go (rmdir). */
  async remove(path: string): Promise<void> {
    if (!path.startsWith('/') || path.split('/').includes('..')) return;
    for (const dir of await this.dirs(path)) await rmdir(dir).catch(() => undefined);
  }

  /** Host pids of the processes in the cgroup. */
  async pids(path: string): Promise<number[]> {
    return text(join(this.dir('pids', path), 'cgroup.procs'))
      .split('\n')
      .filter(Boolean)
      .map(Number);
  }

  /** The freezer's view: FROZEN, FREEZING or THAWED (v1), or FROZEN/THAWED from cgroup.freeze (v2). */
  async freezerState(path: string): Promise<string> {
    if (this.version === '2')
      return text(join(this.dir('freezer', path), 'cgroup.freeze')).trim() === '1' ? 'FROZEN' : 'THAWED';
    return text(join(this.dir('freezer', path), 'freezer.state')).trim();
  }

  /** OOM kills the cgroup counted (v1 memory.oom_control, v2 memory.events), while it exists. */
  async oomKills(path: string): Promise<number> {
    return oomKillCount(
      text(join(this.dir('memory', path), this.version === '2' ? 'memory.events' : 'memory.oom_control')),
    );
  }

  /** One sample in Docker's stats shape: the cgroup's counters, the host's CPU time, the container's networks. */
  async sample(path: string, pid: number): Promise<CgroupSample> {
    const [base, nets, system] = await Promise.all([
      this.version === '2' ? sampleV2(join(this.root, path)) : sampleV1((controller) => this.dir(controller, path)),
      networks(pid),
      systemCpuUsage(),
    ]);
    return { ...base, cpu: { ...base.cpu, system_cpu_usage: system, online_cpus: cpus().length }, networks: nets };
  }
}
