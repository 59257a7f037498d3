// `docker diff` from an overlay upper dir, with Docker's rules: a whiteout (char 0:0) or an opaque directory
// is a deletion; an entry a lower layer also has is a modification, except a directory whose size, mode and
// mtime are unchanged (it is only there as a parent); anything else is an addition; and the parent of an
// addition or deletion is reported modified once. The upper dir is walked through held directories (a
// running container changes it meanwhile); lower layers are immutable and looked up in-root.
import { lstat, readdir, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import type { FsChange } from '../../core/containers/container-fs.js';
import type { Mount } from '../../core/snapshots/snapshotter.js';
import { FdRoot, fdPath, openDirNoFollow } from '../../lib/fs/fd-root.js';
import { resolveInRoot } from '../../lib/fs/in-root.js';
import { isOverlayOpaque } from '../../lib/fs/overlay-xattrs.js';

/** The upper dir and lower dirs (top first) of an overlay rootfs; undefined for anything else. */
export function overlayDirs(mounts: Mount[]): { upper: string; lower: string[] } | undefined {
  const m = mounts[0];
  if (mounts.length !== 1 || !m) return undefined;
  if (m.type === 'bind') return m.options.includes('rw') ? { upper: m.source, lower: [] } : undefined;
  const opt = (key: string): string | undefined =>
    m.options
      .flatMap((o) => o.split(','))
      .find((o) => o.startsWith(`${key}=`))
      ?.slice(key.length + 1);
  const upper = opt('upperdir');
  if (!upper) return undefined;
  return { upper, lower: (opt('lowerdir') ?? '').split(':').filter(Boolean) };
}

const sameTime = (a: Stats, b: Stats): boolean =>
  Math.floor(a.mtimeMs / 1000) === Math.floor(b.mtimeMs / 1000) &&
  (a.mtimeMs === b.mtimeMs || a.mtimeMs % 1000 === 0 || b.mtimeMs % 1000 === 0);

async function inLower(lower: string[], path: string): Promise<Stats | undefined> {
  for (const root of lower) {
    const st = await lstat(await resolveInRoot(root, path, false)).catch(() => undefined);
    if (st) return st;
  }
  return undefined;
}

/** True when every entry of the upper directory is an ignored path (and there is at least one). */
async function onlyIgnored(host: string, path: string, ignore: ReadonlySet<string>): Promise<boolean> {
  const names = await readdir(host).catch(() => [] as string[]);
  return names.length > 0 && names.every((n) => ignore.has(posix.join(path, n)));
}

export async function overlayChanges(upper: string, lower: string[], ignore: ReadonlySet<string>): Promise<FsChange[]> {
  const changes: FsChange[] = [];
  const changedDirs = new Set<string>();
  const root = await FdRoot.open(upper);

  const visit = async (dir: FileHandle, dirPath: string): Promise<void> => {
    for (const name of (await readdir(fdPath(dir.fd))).sort()) {
      const path = posix.join(dirPath, name);
      if (ignore.has(path)) continue;
      const host = fdPath(dir.fd, name);
      const st = await lstat(host).catch(() => undefined);
      if (!st) continue;
      // Directories are held open from here on, so a swap for a symlink cannot send the walk outside.
      const held = st.isDirectory() ? await openDirNoFollow(host).catch(() => undefined) : undefined;
      if (st.isDirectory() && !held) continue;
      try {
        const whiteout = st.isCharacterDevice() && st.rdev === 0;
        const opaque = held !== undefined && (await isOverlayOpaque(fdPath(held.fd, '.')));
        let kind: FsChange['Kind'] | undefined;
        if (whiteout || opaque) kind = 2;
        else {
          kind = 1;
          const below = await inLower(lower, path);
          if (below) {
            kind =
              below.isDirectory() &&
              st.isDirectory() &&
              below.size === st.size &&
              (below.mode & 0o7777) === (st.mode & 0o7777) &&
              sameTime(below, st)
                ? undefined
                : 0;
            // A directory copied up only to hold the runtime's mount points (/etc for /etc/hosts) is no change of the container's.
            if (
              kind === 0 &&
              below.isDirectory() &&
              st.isDirectory() &&
              held &&
              (await onlyIgnored(fdPath(held.fd), path, ignore))
            )
              kind = undefined;
          }
        }
        if (kind !== undefined) changes.push({ Path: path, Kind: kind });
        if (st.isDirectory()) changedDirs.add(path);
        if (kind === 1 || kind === 2) {
          const parent = posix.dirname(path);
          if (parent !== '/' && !changedDirs.has(parent)) {
            changes.push({ Path: parent, Kind: 0 });
            changedDirs.add(parent);
          }
        }
        if (held) await visit(held, path);
      } finally {
        await held?.close();
      }
    }
  };

  try {
    await visit(root.handle, '/');
  } finally {
    await root.close();
  }
  return changes;
}
