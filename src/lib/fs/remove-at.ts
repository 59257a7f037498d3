// Removing an entry of a held directory, recursing through held directories only: a tree that changes
// meanwhile (a running container) can make the removal fail, never reach outside.
import { lstat, readdir, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import { fdPath, openDirNoFollow } from './fd-root.js';

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/** Removes `name` in the held directory `dir` (and all below it); a missing entry is fine. */
export async function removeAt(dir: FileHandle, name: string): Promise<void> {
  const path = fdPath(dir.fd, name);
  const st = await lstat(path).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory()) {
    await unlink(path).catch((err: unknown) => (code(err) === 'ENOENT' ? undefined : Promise.reject(err)));
    return;
  }
  const held = await openDirNoFollow(path).catch(() => undefined);
  if (!held) return removeAt(dir, name); // swapped for a non-directory meanwhile
  try {
    for (const child of await readdir(fdPath(held.fd))) await removeAt(held, child);
  } finally {
    await held.close();
  }
  await rmdir(path).catch((err: unknown) => (code(err) === 'ENOENT' ? undefined : Promise.reject(err)));
}
