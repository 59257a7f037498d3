// Resolving paths inside a root directory as if chrooted there: `..` stops at the root, absolute symlinks are
// read relative to the root, and symlink chains are followed component by component with lstat/readlink,
// so no path given here can name anything outside the root. (Node's fs follows symlinks on its own; this
// walks them deliberately instead.)
import { lstat, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';

const MAX_SYMLINKS = 255;

export class PathEscapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathEscapeError';
  }
}

/** Splits a path into clean components; `..` pops, never above the root. */
function components(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

/** True when a relative path would climb above its root lexically (`../x`, `a/../../x`). */
export function escapesLexically(path: string): boolean {
  let depth = 0;
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    depth += part === '..' ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

/**
 * The host path that `path` names inside `root`. Symlinks in every component are followed within the root;
 * the last component is followed too unless `followLast` is false. Missing components are fine: the result
 * is where they would be created.
 */
export async function resolveInRoot(root: string, path: string, followLast = true): Promise<string> {
  let pending = components(path);
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    const candidate = join(root, ...resolved, part);
    const isLast = pending.length === 0;
    let stats;
    try {
      stats = await lstat(candidate);
    } catch {
      resolved.push(part);
      continue;
    }
    if (!stats.isSymbolicLink() || (isLast && !followLast)) {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINKS) throw new PathEscapeError(`too many levels of symbolic links: ${path}`);
    const target = await readlink(candidate);
    // An absolute target restarts at the root; a relative one continues from the link's directory.
    const base = target.startsWith('/') ? [] : resolved;
    pending = [...components(posix.join(...base, target)), ...pending];
    resolved.length = 0;
  }
  return join(root, ...resolved);
}
