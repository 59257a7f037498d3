// WORKDIR without mounting the step's overlay: the directories it needs are made straight in the snapshot's upper
// dir, as overlayfs would make them there (existing ancestors copied up with their mode, owner and times, new
// ones 0755 root), after looking the path up in the lower dirs as overlayfs merges them (top first; a whiteout
// hides what is below, an opaque directory stops the merge below it). A mount and an umount process per WORKDIR
// were most of the step. A path with a symlink or a non-directory on the way is left to the mounted path, which
// resolves it in-root.
import { chmod, lchown, lstat, mkdir, utimes } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { isOverlayOpaque } from '../lib/fs/overlay-xattrs.js';

const isWhiteout = (st: Stats): boolean => st.isCharacterDevice() && st.rdev === 0;

/**
 * Makes `path` (absolute, normalised) a directory in the merged view of `lowers` (top first) by writing into the
 * empty `upper`. False when it cannot tell without the mounted view (nothing written then).
 */
export async function workdirInUpper(upper: string, lowers: string[], path: string): Promise<boolean> {
  const parts = path.split('/').filter((p) => p !== '');
  let visible = lowers;
  const existing: { rel: string; st: Stats }[] = [];
  let depth = 0;
  for (; depth < parts.length; depth++) {
    const rel = parts.slice(0, depth + 1).join('/');
    let found: Stats | undefined;
    let gone = false;
    const next: string[] = [];
    for (const layer of visible) {
      const st = await lstat(join(layer, rel)).catch(() => undefined);
      if (!st) continue;
      if (!found && isWhiteout(st)) {
        gone = true;
        break;
      }
      if (!st.isDirectory()) {
        if (!found) return false;
        break; // a non-directory below a directory is hidden, and so is everything under it
      }
      found ??= st;
      next.push(layer);
      if (await isOverlayOpaque(join(layer, rel))) break;
    }
    if (gone || !found) break;
    existing.push({ rel, st: found });
    visible = next;
  }
  if (depth === parts.length) return true; // already a directory: no change, no layer
  for (const { rel, st } of existing) {
    await mkdir(join(upper, rel));
    await lchown(join(upper, rel), st.uid, st.gid);
    await chmod(join(upper, rel), st.mode & 0o7777);
  }
  for (let i = depth; i < parts.length; i++) {
    const dir = join(upper, ...parts.slice(0, i + 1));
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
  }
  // Copied-up ancestors keep their times, except the one a new directory went into (as overlayfs leaves them).
  for (const { rel, st } of existing.slice(0, -1)) await utimes(join(upper, rel), st.atime, st.mtime);
  return true;
}
