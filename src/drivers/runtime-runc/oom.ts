// Was the container OOM-killed? conmon touches "oom" in its persist dir when the cgroup reports an OOM
// event; the cgroup's own counter (memory.oom_control on v1, memory.events on v2) also says so as long
// as the cgroup exists, i.e. until runc delete. Either is enough.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupTree } from './cgroup-tree.js';

export async function wasOomKilled(
  persistDir: string,
  cgroupsPath: string | undefined,
  cgroups: CgroupTree,
): Promise<boolean> {
  // The persist dir is in the exec root (tmpfs, as /run is): checked synchronously on the exit's way to the answer.
  if (existsSync(join(persistDir, 'oom'))) return true;
  return cgroupsPath ? (await cgroups.oomKills(cgroupsPath)) > 0 : false;
}
