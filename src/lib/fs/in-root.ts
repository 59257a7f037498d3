// Resolving paths inside a root directory as if chrooted there: `..` stops at the root, absolute symlinks are
// read relative to the root, and symlink chains are followed component by component with lstat/readlink,
// so no path given here can name anything outside the root. (Node's fs follows symlinks on its own; this
// walks them deliberately instead.) `..` is taken after the symlink before it is resolved, as the kernel
// does: with `lib -> usr/lib`, `lib/../x` is `usr/x`.
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';

const MAX_SYMLINKS = 255;

export class PathEscapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathEscapeError';
  }
}

/** The raw components of a path, `.` and empty ones dropped, `..` kept for the walk to interpret. */
const parts = (path: string): string[] => path.split('/').filter((p) => p !== '' && p !== '.');

/** True when a relative path would climb above its root lexically (`../x`, `a/../../x`). */
export function escapesLexically(path: string): boolean {
  let depth = 0;
  for (const part of parts(path)) {
    depth += part === '..' ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

/** True for a single directory entry name: not empty, not `.` or `..`, no `/` and no NUL. */
export const isPlainName = (name: string): boolean =>
  name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');

/**
 * The host path that `path` names inside `root`. Symlinks in every component are followed within the root;
 * the last component is followed too unless `followLast` is false. Missing components are fine: the result
 * is where they would be created.
 */
export async function resolveInRoot(root: string, path: string, followLast = true): Promise<string> {
  let pending = parts(path);
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, part);
    const isLast = pending.length === 0;
    const stats = await lstat(candidate).catch(() => undefined);
    if (!stats?.isSymbolicLink() || (isLast && !followLast)) {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINKS) throw new PathEscapeError(`too many levels of symbolic links: ${path}`);
    const target = await readlink(candidate);
    // An absolute target restarts at the root; a relative one continues from the link's directory.
    if (target.startsWith('/')) resolved.length = 0;
    pending = [...parts(target), ...pending];
  }
  return join(root, ...resolved);
}
