// A CPU accounting cgroup around an engine: its daemon processes are moved in, everything they start afterwards
// (conmons, daemonized exec monitors, shims, runc) inherits it, and the group's counter holds all of their CPU,
// including processes that exited or were reparented away from the daemon. Containers' own processes are placed
// in their own cgroups by runc and are not counted.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const V2_ROOT = '/sys/fs/cgroup';
const V1_ROOT = '/sys/fs/cgroup/cpuacct';

export class CpuGroup {
  private constructor(
    private readonly root: string,
    private readonly dir: string,
    private readonly v2: boolean,
  ) {}

  static async around(name: string, pids: readonly number[]): Promise<CpuGroup> {
    const v2 = existsSync(join(V2_ROOT, 'cgroup.controllers'));
    const root = v2 ? V2_ROOT : V1_ROOT;
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    const group = new CpuGroup(root, dir, v2);
    for (const pid of pids) await writeFile(join(dir, 'cgroup.procs'), `${pid}\n`).catch(() => undefined);
    return group;
  }

  /** CPU seconds used by the group's processes since it was made. */
  async seconds(): Promise<number> {
    if (this.v2) {
      const stat = await readFile(join(this.dir, 'cpu.stat'), 'utf8');
      return Number(/^usage_usec (\d+)/m.exec(stat)?.[1] ?? 0) / 1e6;
    }
    return Number((await readFile(join(this.dir, 'cpuacct.usage'), 'utf8')).trim()) / 1e9;
  }

  /** Moves every process left back to the root group and removes the group. */
  async close(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const left = (await readFile(join(this.dir, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n');
      for (const pid of left.filter(Boolean))
        await writeFile(join(this.root, 'cgroup.procs'), `${pid}\n`).catch(() => undefined);
      try {
        await rmdir(this.dir);
        return;
      } catch {
        // a process was being forked into it meanwhile: move again
      }
    }
  }
}
