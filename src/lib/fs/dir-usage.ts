// Disk use of a directory tree: bytes of regular files (hardlinks counted once) and inodes.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function dirUsage(
  root: string,
  options: { signal?: AbortSignal } = {},
): Promise<{ size: number; inodes: number }> {
  const seen = new Set<string>();
  let size = 0;
  let inodes = 0;
  const walk = async (dir: string): Promise<void> => {
    options.signal?.throwIfAborted();
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(dir, name);
      const st = await lstat(path).catch(() => undefined);
      if (!st) continue;
      const inode = `${st.dev}:${st.ino}`;
      if (seen.has(inode)) continue;
      seen.add(inode);
      inodes += 1;
      if (st.isFile()) size += st.size;
      else if (st.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return { size, inodes };
}
