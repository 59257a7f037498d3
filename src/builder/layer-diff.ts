// An overlay upper directory as an OCI layer tar: files, directories, symlinks, hardlinks and special files
// as they are; overlay's whiteouts (char device 0:0) become `.wh.<name>` entries and opaque directories
// (overlay's opaque xattr = y) get a `.wh..wh..opq` entry. Streamed, never buffered whole.
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink, unlink } from 'node:fs/promises';
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

async function entry(pack: tar.Pack, h: TarHeader, body?: Readable | Buffer): Promise<void> {
  if (!body || Buffer.isBuffer(body)) {
    // An explicit empty body: without one tar-stream waits for file data (whiteouts are empty files).
    await new Promise<void>((resolve, reject) =>
      pack.entry(h, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve())),
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

async function emit(w: Walk, h: TarHeader, body?: Readable | Buffer): Promise<void> {
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

/**
 * A directory's entries are stat'ed STAT_AT_ONCE at a time, and the contents of small files (one link) read up to
 * READ_AHEAD entries ahead of the one being written, whole: one by one, each entry waited its own thread-pool round
 * trips (a COPY of 20 small files spent ~25 ms here under load). A large file is still streamed.
 */
const STAT_AT_ONCE = 64;
const READ_AHEAD = 16;
const SMALL_FILE = 64 * 1024;

async function walk(w: Walk, rel: string): Promise<void> {
  const names = (await readdir(join(w.root, rel))).sort();
  for (let i = 0; i < names.length; i += STAT_AT_ONCE) {
    const chunk = names.slice(i, i + STAT_AT_ONCE);
    const fulls = chunk.map((name) => join(w.root, rel, name));
    const stats = await Promise.all(fulls.map((full) => lstat(full)));
    const small = (j: number): boolean => {
      const st = stats[j] as Stats;
      return st.isFile() && st.nlink === 1 && st.size > 0 && st.size <= SMALL_FILE;
    };
    const bodies = new Map<number, Promise<Buffer>>();
    let ahead = 0;
    for (const [j, name] of chunk.entries()) {
      // Not past a directory: its subtree is written first, and nothing stays in memory meanwhile.
      for (; ahead < chunk.length && ahead < j + READ_AHEAD; ahead++) {
        if (ahead > j && (stats[ahead] as Stats).isDirectory()) break;
        if (small(ahead)) {
          const read = readFile(fulls[ahead] as string);
          read.catch(() => undefined); // awaited when its entry is written; a walk that fails first drops it
          bodies.set(ahead, read);
        }
      }
      const body = bodies.get(j);
      bodies.delete(j);
      await walkEntry(w, rel, name, fulls[j] as string, stats[j] as Stats, body);
    }
  }
}

async function walkEntry(
  w: Walk,
  rel: string,
  name: string,
  full: string,
  st: Stats,
  smallBody: Promise<Buffer> | undefined,
): Promise<void> {
  const path = rel ? `${rel}/${name}` : name;
  if (st.isCharacterDevice() && st.rdev === 0) {
    await emit(w, {
      name: rel ? `${rel}/.wh.${name}` : `.wh.${name}`,
      mode: 0o644,
      type: 'file',
      size: 0,
      mtime: st.mtime,
    });
    return;
  }
  if (st.isDirectory()) {
    const dirHeader = header(`${path}/`, st, { type: 'directory' });
    const opaque = await isOverlayOpaque(full);
    if (opaque || !(await inLower(w.lowers, path))) {
      await emit(w, dirHeader);
      if (opaque) await emit(w, { name: `${path}/.wh..wh..opq`, mode: 0o644, type: 'file', size: 0, mtime: st.mtime });
      await walk(w, path);
      return;
    }
    w.pending.push(dirHeader);
    await walk(w, path);
    if (w.pending[w.pending.length - 1] === dirHeader) w.pending.pop();
    return;
  }
  if (st.isSymbolicLink()) {
    await emit(w, header(path, st, { type: 'symlink', linkname: await readlink(full) }));
    return;
  }
  if (st.isFile()) {
    if (st.size === 0 && MOUNT_TARGETS.has(path) && !(await inLower(w.lowers, path))) return;
    const inode = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1 ? w.links.get(inode) : undefined;
    if (first) {
      await emit(w, header(path, st, { type: 'link', linkname: first }));
      return;
    }
    if (st.nlink > 1) w.links.set(inode, path);
    // A small file read ahead is written only when it is still the size stat'ed (as a stream that changed would fail).
    const read = smallBody ? await smallBody.catch(() => undefined) : undefined;
    const data = read?.length === st.size ? read : createReadStream(full);
    await emit(w, header(path, st, { type: 'file', size: st.size }), data);
    return;
  }
  const type = st.isCharacterDevice()
    ? 'character-device'
    : st.isBlockDevice()
      ? 'block-device'
      : st.isFIFO()
        ? 'fifo'
        : undefined;
  if (!type) return; // sockets are not part of layers
  await emit(
    w,
    header(path, st, {
      type,
      devmajor: (st.rdev >> 8) & 0xfff,
      devminor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00),
    }),
  );
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
