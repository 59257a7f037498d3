// Directory times are set last (writing children changed them), once the whole archive is written, through
// held directories again: each directory is opened from its parent's handle without following a symlink, so
// a name that an entry later turned into a link is skipped, never followed out of the root.
import type { FileHandle } from 'node:fs/promises';
import { fdPath, openDirNoFollow } from './fd-root.js';

/** Sets each directory's atime and mtime; keys are in-root paths ('/'-rooted, symlinks already resolved). */
export async function setDirTimes(root: FileHandle, times: ReadonlyMap<string, Date>): Promise<void> {
  const stack: { name: string; handle: FileHandle }[] = [];
  const pop = async (): Promise<void> => void (await stack.pop()?.handle.close().catch(() => undefined));
  try {
    for (const path of [...times.keys()].sort()) {
      const parts = path.split('/').filter((p) => p !== '');
      if (parts.length === 0) continue;
      let common = 0;
      while (common < stack.length && common < parts.length && stack[common]?.name === parts[common]) common++;
      while (stack.length > common) await pop();
      let reached = true;
      for (const name of parts.slice(common)) {
        const parent = stack.at(-1)?.handle ?? root;
        const handle = await openDirNoFollow(fdPath(parent.fd, name)).catch(() => undefined);
        if (!handle) {
          reached = false;
          break;
        }
        stack.push({ name, handle });
      }
      const mtime = times.get(path) as Date;
      if (reached) await stack.at(-1)?.handle.utimes(mtime, mtime).catch(() => undefined);
    }
  } finally {
    while (stack.length > 0) await pop();
  }
}
