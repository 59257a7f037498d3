// Directory times are set last (writing children changed them), once the whole archive is written, through
// held directories again: each directory is opened from its parent's handle without following a symlink, so
// a name that an entry later turned into a link is skipped, never followed out of the root. A mount point is
// stepped into (its mounted directory), as the extraction did.
import type { FileHandle } from 'node:fs/promises';
import { fdPath, openDirNoFollow, reopenDir, type FdMounts } from './fd-root.js';

/** Sets each directory's atime and mtime; keys are in-root paths ('/'-rooted, symlinks already resolved). */
export async function setDirTimes(
  root: FileHandle,
  times: ReadonlyMap<string, Date>,
  mounts?: FdMounts,
): Promise<void> {
  const stack: { name: string; handle: FileHandle }[] = [];
  const pop = async (): Promise<void> =>
    void (await stack
      .pop()
      ?.handle.close()
      .catch(() => undefined));
  try {
    for (const path of [...times.keys()].sort()) {
      const parts = path.split('/').filter((p) => p !== '');
      if (parts.length === 0) continue;
      let common = 0;
      while (common < stack.length && common < parts.length && stack[common]?.name === parts[common]) common++;
      while (stack.length > common) await pop();
      let reached = true;
      for (const [i, name] of parts.entries()) {
        if (i < common) continue;
        const parent = stack.at(-1)?.handle ?? root;
        const mount = mounts?.get(`/${parts.slice(0, i + 1).join('/')}`);
        if (mount?.readOnly || mount?.file) {
          reached = false;
          break;
        }
        const handle = await (mount ? reopenDir(mount.dir) : openDirNoFollow(fdPath(parent.fd, name))).catch(
          () => undefined,
        );
        if (!handle) {
          reached = false;
          break;
        }
        stack.push({ name, handle });
      }
      const mtime = times.get(path) as Date;
      if (reached)
        await stack
          .at(-1)
          ?.handle.utimes(mtime, mtime)
          .catch(() => undefined);
    }
  } finally {
    while (stack.length > 0) await pop();
  }
}
