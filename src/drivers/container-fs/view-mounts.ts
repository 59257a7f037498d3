// A container's volumes and binds as held directories for the in-root walker (fd-root.ts): what cp sees at
// /vol1 is the volume, running or stopped, as in Docker (which bind-mounts them over its rootfs view for cp).
// Sources are host paths the user chose at create (symlinks in them followed, as the kernel's mount does); a
// source gone since is left out (its mount point shows).
import { constants } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { dirname, basename, posix } from 'node:path';
import type { ViewMount } from '../../core/containers/container-fs.js';
import type { FdMount } from '../../lib/fs/fd-root.js';

const DIR = constants.O_RDONLY | constants.O_DIRECTORY;

export interface HeldMounts {
  mounts: Map<string, FdMount>;
  close(): Promise<void>;
}

/** '/a/b/' and '/a//b' as '/a/b'. */
export const mountKey = (destination: string): string => posix.normalize(`/${destination}`).replace(/(.)\/$/, '$1');

export async function holdMounts(list: ViewMount[]): Promise<HeldMounts> {
  const mounts = new Map<string, FdMount>();
  const handles: FileHandle[] = [];
  const close = async (): Promise<void> => {
    for (const h of handles.splice(0)) await h.close().catch(() => undefined);
  };
  try {
    for (const m of list) {
      const key = mountKey(m.destination);
      if (key === '/') continue;
      const source = await realpath(m.source).catch(() => undefined);
      const st = source === undefined ? undefined : await stat(source).catch(() => undefined);
      if (!source || !st) continue;
      const isDir = st.isDirectory();
      const dir = await open(isDir ? source : dirname(source), DIR);
      handles.push(dir);
      mounts.set(key, { dir, file: isDir ? '' : basename(source), readOnly: m.readOnly });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { mounts, close };
}

/** The mounts below an in-root directory, keyed relative to it ('/sub'), for walks rooted there. */
export function mountsBelow(mounts: ReadonlyMap<string, FdMount>, dir: string): Map<string, FdMount> {
  const base = dir === '/' ? '' : dir;
  const out = new Map<string, FdMount>();
  for (const [key, m] of mounts) if (key.startsWith(`${base}/`)) out.set(key.slice(base.length), m);
  return out;
}
