// Was the container OOM-killed? conmon touches "oom" in its persist dir when the cgroup reports an OOM
// event; the cgroup's own counter (memory.oom_control on v1, memory.events on v2) also says so as long
// as the cgroup exists, i.e. until runc delete. Either is enough.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

export function oomKillCount(text: string): number {
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

export async function wasOomKilled(persistDir: string, cgroupsPath: string | undefined, cgroupVersion: '1' | '2'): Promise<boolean> {
  if (await access(join(persistDir, 'oom')).then(() => true, () => false)) return true;
  if (!cgroupsPath) return false;
  const file = cgroupVersion === '2' ? join(CGROUP_ROOT, cgroupsPath, 'memory.events') : join(CGROUP_ROOT, 'memory', cgroupsPath, 'memory.oom_control');
  const text = await readFile(file, 'utf8').catch(() => '');
  return oomKillCount(text) > 0;
}
