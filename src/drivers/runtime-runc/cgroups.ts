// Removing a container's cgroup directories after runc delete, in case runc left any (it does when a
// process lingered): every v1 hierarchy, or the one v2 tree. Only empty cgroups can be removed (rmdir).
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** The directories holding this cgroup path: one per v1 hierarchy, or one on v2. */
export async function cgroupDirs(cgroupsPath: string, version: '1' | '2'): Promise<string[]> {
  if (version === '2') return [join(CGROUP_ROOT, cgroupsPath)];
  const entries = await readdir(CGROUP_ROOT, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && e.name !== 'unified').map((e) => join(CGROUP_ROOT, e.name, cgroupsPath));
}

export async function removeCgroup(cgroupsPath: string, version: '1' | '2'): Promise<void> {
  if (!cgroupsPath.startsWith('/') || cgroupsPath.split('/').includes('..')) return;
  for (const dir of await cgroupDirs(cgroupsPath, version)) {
    await rmdir(dir).catch(() => undefined);
  }
}
