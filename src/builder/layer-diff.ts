// An overlay upper directory as an OCI layer tar: files, directories, symlinks, hardlinks and special files
// as they are; overlay's whiteouts (char device 0:0) become `.wh.<name>` entries and opaque directories
// (overlay's opaque xattr = y) get a `.wh..wh..opq` entry. Streamed, never buffered whole.
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { isOverlayOpaque } from '../lib/fs/overlay-xattrs.js';

/** Files runc creates as bind-mount targets; empty ones in an upper dir are not part of a layer (Docker's init layer). */
const MOUNT_TARGETS = new Set(['etc/hosts', 'etc/hostname', 'etc/resolv.conf']);

type TarHeader = Parameters<tar.Pack['entry']>[0];

const header = (name: string, st: Stats, extra: Partial<TarHeader>): TarHeader => ({
  name,
  mode: st.mode & 0o7777,
  uid: st.uid,
  gid: st.gid,
  mtime: st.mtime,
  ...extra,
});

async function entry(pack: tar.Pack, h: TarHeader, body?: Readable): Promise<void> {
  if (!body) {
    // An explicit empty body: without one tar-stream waits for file data (whiteouts are empty files).
    await new Promise<void>((resolve, reject) =>
      pack.entry(h, Buffer.alloc(0), (err) => (err ? reject(err) : resolve())),
    );
    return;
  }
  const sink = pack.entry(h);
  await pipeline(body, sink);
}

interface Walk {
  pack: tar.Pack;
  root: string;
  lowers: string[];
  links: Map<string, string>;
  /** Directory headers not yet written: a directory copied up only to hold skipped entries stays out. */
  pending: TarHeader[];
}

async function emit(w: Walk, h: TarHeader, body?: Readable): Promise<void> {
  for (const d of w.pending.splice(0)) await entry(w.pack, d);
  await entry(w.pack, h, body);
}

async function inLower(lowers: string[], path: string): Promise<boolean> {
  for (const lower of lowers)
    if (
      await lstat(join(lower, path)).then(
        () => true,
        () => false,
      )
    )
      return true;
  return false;
}

async function walk(w: Walk, rel: string): Promise<void> {
  const names = (await readdir(join(w.root, rel))).sort();
  for (const name of names) {
    const path = rel ? `${rel}/${name}` : name;
    const full = join(w.root, path);
    const st = await lstat(full);
    if (st.isCharacterDevice() && st.rdev === 0) {
      await emit(w, {
        name: rel ? `${rel}/.wh.${name}` : `.wh.${name}`,
        mode: 0o644,
        type: 'file',
        size: 0,
        mtime: st.mtime,
      });
      continue;
    }
    if (st.isDirectory()) {
      const dirHeader = header(`${path}/`, st, { type: 'directory' });
      const opaque = await isOverlayOpaque(full);
      if (opaque || !(await inLower(w.lowers, path))) {
        await emit(w, dirHeader);
        if (opaque)
          await emit(w, { name: `${path}/.wh..wh..opq`, mode: 0o644, type: 'file', size: 0, mtime: st.mtime });
        await walk(w, path);
        continue;
      }
      w.pending.push(dirHeader);
      await walk(w, path);
      if (w.pending[w.pending.length - 1] === dirHeader) w.pending.pop();
      continue;
    }
    if (st.isSymbolicLink()) {
      await emit(w, header(path, st, { type: 'symlink', linkname: await readlink(full) }));
      continue;
    }
    if (st.isFile()) {
      if (st.size === 0 && MOUNT_TARGETS.has(path) && !(await inLower(w.lowers, path))) continue;
      const inode = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? w.links.get(inode) : undefined;
      if (first) {
        await emit(w, header(path, st, { type: 'link', linkname: first }));
        continue;
      }
      if (st.nlink > 1) w.links.set(inode, path);
      await emit(w, header(path, st, { type: 'file', size: st.size }), createReadStream(full));
      continue;
    }
    const type = st.isCharacterDevice()
      ? 'character-device'
      : st.isBlockDevice()
        ? 'block-device'
        : st.isFIFO()
          ? 'fifo'
          : undefined;
    if (!type) continue; // sockets are not part of layers
    await emit(
      w,
      header(path, st, {
        type,
        devmajor: (st.rdev >> 8) & 0xfff,
        devminor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00),
      }),
    );
  }
}

/**
 * Removes the empty files runc made to bind /etc/hosts, /etc/hostname and /etc/resolv.conf on (those no lower
 * dir has), as the layer tar leaves them out: for an upper dir that becomes a snapshot as it is.
 */
export async function dropMountTargetStubs(upper: string, lowers: string[]): Promise<void> {
  for (const path of MOUNT_TARGETS) {
    const st = await lstat(join(upper, path)).catch(() => undefined);
    if (!st?.isFile() || st.size !== 0) continue;
    if (!(await inLower(lowers, path))) await unlink(join(upper, path));
  }
}

/** The tar of an upper directory over its lower dirs (top first); errors surface on the returned stream. */
export function diffUpperDir(upper: string, lowers: string[]): Readable {
  const pack = tar.pack();
  const out = new PassThrough();
  pack.pipe(out);
  walk({ pack, root: upper, lowers, links: new Map(), pending: [] }, '').then(
    () => pack.finalize(),
    (err: unknown) => out.destroy(err as Error),
  );
  return out;
}
