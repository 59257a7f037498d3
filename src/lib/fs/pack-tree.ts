// Packs a tree into a tar stream without ever leaving it: every directory is held open (O_NOFOLLOW) while its
// children are read through /proc/<pid>/fd/<n>/name, files are opened O_NOFOLLOW and sized by fstat of what was
// opened, symlinks are stored, never followed. A container changing the tree meanwhile can make entries vanish
// or come out short (padded with zeros), never make us read outside. Hardlinks within the tree are stored as
// links; with `overlayWhiteouts`, overlayfs whiteouts (char 0:0) and opaque dirs become `.wh.` entries (commit).
import { constants } from 'node:fs';
import { lstat, open, readdir, readlink, stat, type FileHandle } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';
type Hdr = Parameters<ReturnType<typeof tar.pack>['entry']>[0];
import { fdPath, openDirNoFollow, reopenDir, type FdMount } from './fd-root.js';
import { isOverlayOpaque } from './overlay-xattrs.js';

export interface PackOptions {
  /** Turn overlayfs whiteouts and opaque directories into OCI `.wh.` entries. */
  overlayWhiteouts?: boolean;
  /** Skip these entries (tar names, no leading or trailing slash), e.g. mount points of runtime files. */
  exclude?: ReadonlySet<string>;
  /** What is mounted at a path relative to the packed entry ('a/b'): packed instead of what lies beneath it. */
  mountAt?: (relative: string) => FdMount | undefined;
  signal?: AbortSignal;
}

const CHUNK = 64 * 1024;

const major = (rdev: number): number => Number((BigInt(rdev) >> 8n) & 0xfffn);
const minor = (rdev: number): number => Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & 0xfff00n));

/**
 * Tar of `name` inside the held directory `dir` ('' = `dir` itself), its entries named under `tarName`
 * ('' = the children at the top, without an entry for the directory itself, as `docker export` writes).
 */
export function packTree(dir: FileHandle, name: string, tarName: string, options: PackOptions = {}): Readable {
  const pack = tar.pack();
  const links = new Map<string, string>();

  const add = (header: Hdr, body?: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      pack.entry(header, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
    });

  const addFile = async (header: Hdr, fh: FileHandle): Promise<void> => {
    const size = header.size ?? 0;
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
      const pump = async (): Promise<void> => {
        const buf = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
        let done = 0;
        while (done < size) {
          options.signal?.throwIfAborted();
          const want = Math.min(buf.length, size - done);
          const { bytesRead } = await fh.read(buf, 0, want, done);
          // Shrunk while we read: pad, so the tar stays well-formed.
          const chunk = bytesRead === 0 ? Buffer.alloc(want) : Buffer.from(buf.subarray(0, bytesRead));
          done += chunk.length;
          if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
        }
        (sink as unknown as { end(): void }).end();
      };
      pump().catch((err: unknown) => {
        sink.destroy(err as Error);
        reject(err as Error);
      });
    });
  };

  const walk = async (parent: FileHandle, entry: string, entryTar: string, relative: string): Promise<void> => {
    options.signal?.throwIfAborted();
    const path = entry === '' ? fdPath(parent.fd) : fdPath(parent.fd, entry);
    // The held directory itself is named by its magic link, which must be followed (stat, not lstat).
    const st = await (entry === '' ? stat(path) : lstat(path)).catch(() => undefined);
    if (!st) return; // gone meanwhile
    const base: Hdr = { name: entryTar, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
    if (st.isDirectory()) {
      let handle: FileHandle;
      try {
        handle = entry === '' ? await reopenDir(parent) : await openDirNoFollow(path);
      } catch {
        return; // swapped for something else: not followed
      }
      try {
        if (entryTar !== '') await add({ ...base, name: `${entryTar}/`, type: 'directory' });
        const prefix = entryTar === '' ? '' : `${entryTar}/`;
        if (options.overlayWhiteouts && entryTar !== '' && (await isOverlayOpaque(fdPath(handle.fd, '.')))) {
          await add({ ...base, name: `${prefix}.wh..wh..opq`, type: 'file', mode: 0o644, size: 0 });
        }
        const children = (await readdir(fdPath(handle.fd))).sort();
        for (const child of children) {
          if (options.exclude?.has(`${prefix}${child}`)) continue;
          const rel = relative === '' ? child : `${relative}/${child}`;
          const mount = options.mountAt?.(rel);
          if (mount) await walk(mount.dir, mount.file, `${prefix}${child}`, rel);
          else await walk(handle, child, `${prefix}${child}`, rel);
        }
      } finally {
        await handle.close();
      }
      return;
    }
    if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? links.get(key) : undefined;
      if (first !== undefined) return add({ ...base, type: 'link', linkname: first, size: 0 });
      let fh: FileHandle;
      try {
        fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch {
        return;
      }
      try {
        const fst = await fh.stat();
        if (!fst.isFile()) return;
        if (st.nlink > 1) links.set(key, entryTar);
        await addFile({ ...base, type: 'file', size: fst.size, mode: fst.mode & 0o7777, mtime: fst.mtime }, fh);
      } finally {
        await fh.close();
      }
      return;
    }
    if (st.isSymbolicLink()) {
      const target = await readlink(path).catch(() => undefined);
      if (target !== undefined) await add({ ...base, type: 'symlink', linkname: target });
      return;
    }
    if (st.isCharacterDevice() || st.isBlockDevice()) {
      if (options.overlayWhiteouts && st.isCharacterDevice() && st.rdev === 0) {
        const slash = entryTar.lastIndexOf('/');
        return add({
          ...base,
          name: `${entryTar.slice(0, slash + 1)}.wh.${entryTar.slice(slash + 1)}`,
          type: 'file',
          mode: 0o644,
          size: 0,
        });
      }
      return add({
        ...base,
        type: st.isCharacterDevice() ? 'character-device' : 'block-device',
        devmajor: major(st.rdev),
        devminor: minor(st.rdev),
      });
    }
    if (st.isFIFO()) return add({ ...base, type: 'fifo' });
    // Sockets are not archived (as tar and Docker skip them).
  };

  // Handed out as a plain Node stream (tar-stream's is a streamx one).
  const out = new PassThrough();
  pack.on('error', (err: Error) => out.destroy(err));
  pack.pipe(out);
  walk(dir, name, tarName, '').then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err as Error),
  );
  return out;
}
