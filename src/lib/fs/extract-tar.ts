// The one tar extractor: image layers (pull, load, import, build steps), the build context, ADD of local
// archives, docker cp uploads, and the CLI's cp into a local directory all unpack through here, with one set
// of rules. The destination directory is held open and used as `/` (as if chrooted there):
// - names are made relative; a name or hardlink target climbing out with `..` is refused;
// - every parent is resolved through held directories (fd-root.ts), symlinks followed inside the root only,
//   missing ones made as `mkdir -p` would;
// - files, links and nodes are created with O_EXCL/O_NOFOLLOW semantics (never written through what was
//   there: that is removed first, through held directories), owner and mode set on what was opened
//   (fchown, fchmod), xattrs with lsetxattr; nothing is ever chmod'ed or chown'ed through a path that could
//   be a symlink;
// - a hardlink's target resolves in-root and must be an existing non-directory;
// - `.wh.` names are whiteouts in layer mode only (handed to the snapshotter), plain files otherwise;
// - mounts (docker cp into a container with volumes and binds) are entered where the container sees them:
//   a mount point takes only a directory entry (its owner and mode), is never removed or replaced, and a
//   read-only mount refuses every write.
import { constants } from 'node:fs';
import { copyFile, lchown, link, lstat, lutimes, mkdir, open, symlink, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import tar from 'tar-stream';
import { escapesLexically, isPlainName, resolveInRoot } from './in-root.js';
import { FdRoot, fdPath, openDirNoFollow, reopenDir, type FdMount, type FdMounts } from './fd-root.js';
import { ExtractError } from './extract-error.js';
import { HeldDirs } from './held-dirs.js';
import { removeAt } from './remove-at.js';
import { setDirTimes } from './dir-times.js';
import { applyPaxXattrs } from './pax-xattrs.js';
import { BULK_CHUNK } from '../bulk-io.js';

export { ExtractError } from './extract-error.js';

const run = promisify(execFile);

export interface WhiteoutMode {
  /** `.wh.NAME` in the held directory `dir` (reach it through fdPath, never a path that could change). */
  whiteout(dir: FileHandle, name: string): Promise<void>;
  /** `.wh..wh..opq` in `dir`: hide what lower layers had there; `keep` names the children this layer wrote. */
  opaque(dir: FileHandle, keep: ReadonlySet<string>): Promise<void>;
}

export interface LayerMode {
  whiteouts: WhiteoutMode;
  /** Lower layers' roots, top first: implicit parents copy their owner, mode and mtime from there, and a
   * hardlink's target only they hold is copied up first (as overlayfs would). Read-only, never changing. */
  lowerRoots: string[];
}

export interface ExtractOptions {
  /** An image layer: whiteouts, lower layers, AUFS metadata skipped. Absent: `.wh.` names are plain files. */
  layer?: LayerMode;
  /** Refuse to replace a directory with a non-directory or the reverse (docker cp asks for this). */
  noOverwriteDirNonDir?: boolean;
  /** Every entry (and every directory made on the way) owned by this uid:gid instead of the tar's. */
  owner?: { uid: number; gid: number };
  /** Leave ownership as created (a client extracting as its user: docker's NoLchown). */
  noChown?: boolean;
  /** Every file and directory gets this mode instead of the tar's (ADD --chmod). */
  mode?: number;
  /** Renames entries (docker cp's rebase of the first path component); undefined skips the entry. */
  rename?: (name: string) => string | undefined;
  /** Largest single file accepted (bytes); a header claiming more is refused before its data is read. */
  maxFileSize?: number;
  /** What is mounted below the destination (paths relative to it, '/'-rooted): entries land there. */
  mounts?: FdMounts;
  /** Where the destination is for the user (docker cp: its path in the container), to name paths in refusals. */
  shownAt?: string;
  signal?: AbortSignal;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';
const AUFS_META = '.wh..wh.';
const DEFAULT_MAX_FILE = 64 * 1024 ** 3;
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const EPOCH = new Date(0);

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;
const refuse = (message: string): ExtractError => new ExtractError(message);
const shownPath = (options: ExtractOptions, inRoot: string): string =>
  options.shownAt && options.shownAt !== '/' ? `${options.shownAt.replace(/\/+$/, '')}${inRoot}` : inRoot;
const joinPath = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);

async function makeNode(
  path: string,
  type: 'c' | 'b' | 'p',
  major: number,
  minor: number,
  mode: number,
): Promise<void> {
  const args = ['-m', (mode & 0o7777).toString(8), path, type];
  if (type !== 'p') args.push(String(major), String(minor));
  await run('mknod', args);
}

type Header = tar.Header & { pax?: Record<string, string> | null };

/** Unpacks `archive` (an uncompressed tar stream) into the held directory `destination`; returns the bytes of file data written. */
export async function extractTar(
  destination: FileHandle,
  archive: Readable,
  options: ExtractOptions = {},
): Promise<{ size: number }> {
  const root = FdRoot.of(destination, options.mounts);
  const extract = tar.extract();
  // An entry destroyed before we started reading it never settles a pipeline: fail on the extractor's error too.
  const extractFailed = new Promise<never>((_resolve, reject) => extract.on('error', reject));
  extractFailed.catch(() => undefined);
  archive.on('error', (err) => extract.destroy(err));
  archive.pipe(extract);

  const layer = options.layer;
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE;
  const dirTimes = new Map<string, Date>();
  /** In-root paths this archive wrote (layer mode: what an opaque marker keeps). */
  const written = new Set<string>();
  let size = 0;

  /** A directory made on the way to an entry: like the same directory of the nearest lower layer, else root's 0755. */
  const onCreate = async (dir: FileHandle, name: string, path: string): Promise<void> => {
    const made = fdPath(dir.fd, name);
    for (const lower of layer?.lowerRoots ?? []) {
      const st = await lstat(await resolveInRoot(lower, path)).catch(() => undefined);
      if (!st) continue;
      if (!st.isDirectory()) break;
      await setOwnerAndMode(made, st.uid, st.gid, st.mode & 0o7777);
      dirTimes.set(path, st.mtime);
      return;
    }
    if (options.owner && !options.noChown) await lchown(made, options.owner.uid, options.owner.gid);
  };
  const dirs = new HeldDirs(root, onCreate);

  /** Makes way for a new entry named `base` in `dir`: refuses a dir/non-dir swap when asked; false when a directory stays. */
  const makeWay = async (
    dir: FileHandle,
    base: string,
    entryName: string,
    isDir: boolean,
    inRoot: string,
  ): Promise<boolean> => {
    const existing = await lstat(fdPath(dir.fd, base)).catch(() => undefined);
    if (!existing) return true;
    if (!(isDir && existing.isDirectory()) && root.mountAtOrBelow(inRoot))
      throw refuse(`cannot overwrite mount point "${shownPath(options, inRoot)}" with "${entryName}"`);
    if (options.noOverwriteDirNonDir && existing.isDirectory() && !isDir)
      throw refuse(`cannot overwrite directory "${base}" with non-directory "${entryName}"`);
    if (options.noOverwriteDirNonDir && !existing.isDirectory() && isDir)
      throw refuse(`cannot overwrite non-directory "${base}" with directory "${entryName}"`);
    if (isDir && existing.isDirectory()) return false;
    await removeAt(dir, base);
    dirs.invalidate();
    return true;
  };
  /** Creates optimistically (most entries are new); on EEXIST makes way and tries once more. */
  const create = async <T>(
    dir: FileHandle,
    base: string,
    entryName: string,
    isDir: boolean,
    inRoot: string,
    make: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await make();
    } catch (err) {
      if (code(err) !== 'EEXIST') throw err;
      if (!(await makeWay(dir, base, entryName, isDir, inRoot))) return undefined;
      return make();
    }
  };

  try {
    for await (const entry of extract) {
      options.signal?.throwIfAborted();
      const h = entry.header as Header;
      if (options.rename) {
        const renamed = options.rename(h.name);
        if (renamed === undefined) {
          entry.resume();
          continue;
        }
        h.name = renamed;
        if (h.type === 'link' && h.linkname) h.linkname = options.rename(h.linkname) ?? h.linkname;
      }
      const rel = h.name.replace(/^\/+/, '');
      if (escapesLexically(rel)) throw refuse(`path escapes the root: ${h.name}`);
      const name = posix.normalize(`/${rel}`).slice(1).replace(/\/+$/, '');
      // The root itself, and (layers) AUFS's metadata dirs at the top (`.wh..wh.plnk`, `.wh..wh.aufs`), as Docker skips them.
      if (name === '' || (layer && name.startsWith(AUFS_META) && name !== OPAQUE)) {
        entry.resume();
        continue;
      }
      const parent = await dirs.get(posix.dirname(name));
      const dir = parent.handle;
      const base = posix.basename(name);
      const target = fdPath(dir.fd, base);
      const inRoot = joinPath(parent.path, base);
      const mounted = root.mountAt(inRoot);
      if (mounted) {
        await onMountPoint(mounted, h, inRoot, options);
        dirTimes.set(inRoot, h.mtime ?? EPOCH);
        entry.resume();
        await dirs.settle();
        continue;
      }

      if (layer && base.startsWith(WHITEOUT_PREFIX)) {
        if (base === OPAQUE) {
          await layer.whiteouts.opaque(dir, childrenWritten(written, parent.path));
        } else {
          // `.wh.`, `.wh..` and `.wh...` would name the directory itself or its parent: never a sibling.
          const hidden = base.slice(WHITEOUT_PREFIX.length);
          if (!isPlainName(hidden)) throw refuse(`bad whiteout name: ${h.name}`);
          await layer.whiteouts.whiteout(dir, hidden);
        }
        dirs.invalidate();
        entry.resume();
        await dirs.settle();
        continue;
      }

      const { uid, gid } = options.owner ?? { uid: h.uid ?? 0, gid: h.gid ?? 0 };
      const mode = options.mode ?? (h.mode ?? 0o644) & 0o7777;
      const mtime = h.mtime ?? EPOCH;
      switch (h.type) {
        case 'directory': {
          await create(dir, base, h.name, true, inRoot, () => mkdir(target, 0o700));
          const d = await openDirNoFollow(target);
          try {
            if (!options.noChown) await d.chown(uid, gid);
            await d.chmod(mode); // after chown, which clears setuid/setgid
          } finally {
            await d.close();
          }
          await applyPaxXattrs(target, h.pax);
          dirTimes.set(inRoot, mtime);
          break;
        }
        case 'file':
        case 'contiguous-file': {
          if ((h.size ?? 0) > maxFileSize)
            throw refuse(`${h.name} claims ${h.size} bytes, more than the ${maxFileSize} allowed`);
          const file = (await create(dir, base, h.name, false, inRoot, () =>
            open(target, NEW_FILE, 0o600),
          )) as FileHandle;
          try {
            await Promise.race([writeAll(file, entry, options.signal), extractFailed]);
            if (!options.noChown) await file.chown(uid, gid);
            await file.chmod(mode); // after chown, which clears setuid/setgid
            await applyPaxXattrs(target, h.pax); // after chown, which drops security.capability
            await file.utimes(mtime, mtime);
          } finally {
            await file.close().catch(() => undefined);
          }
          size += h.size ?? 0;
          break;
        }
        case 'symlink':
          await create(dir, base, h.name, false, inRoot, () => symlink(h.linkname ?? '', target));
          if (!options.noChown) await lchown(target, uid, gid);
          await applyPaxXattrs(target, h.pax);
          await lutimes(target, mtime, mtime);
          break;
        case 'link': {
          // A hardlink shares its target's inode: owner, mode and times are the target's.
          const linkname = (h.linkname ?? '').replace(/^\/+/, '');
          if (escapesLexically(linkname)) throw refuse(`hardlink target escapes the root: ${h.linkname}`);
          const source = await linkSource(root, dirs, linkname, layer?.lowerRoots ?? []);
          if (!source) throw refuse(`hardlink target not found: ${h.linkname}`);
          try {
            const st = await lstat(fdPath(source.dir.fd, source.name));
            if (st.isDirectory()) throw refuse(`hardlink to a directory: ${h.linkname}`);
            await create(dir, base, h.name, false, inRoot, () => link(fdPath(source.dir.fd, source.name), target));
          } finally {
            await source.release();
          }
          break;
        }
        case 'character-device':
        case 'block-device':
        case 'fifo': {
          const type = h.type === 'fifo' ? 'p' : h.type === 'character-device' ? 'c' : 'b';
          await create(dir, base, h.name, false, inRoot, () =>
            mknodExclusive(target, type, h.devmajor ?? 0, h.devminor ?? 0, mode),
          );
          if (!options.noChown) await lchown(target, uid, gid);
          await applyPaxXattrs(target, h.pax);
          break;
        }
        default:
          // Other types (GNU sparse, global PAX headers, ...) carry nothing to unpack.
          entry.resume();
          await dirs.settle();
          continue;
      }
      entry.resume();
      if (layer) written.add(inRoot);
      await dirs.settle();
    }
    await setDirTimes(destination, dirTimes, options.mounts);
  } catch (err) {
    archive.unpipe(extract);
    archive.resume();
    if (err instanceof ExtractError || (err as Error).name === 'AbortError') throw err;
    throw new ExtractError((err as Error).message, { cause: err });
  } finally {
    await dirs.close();
  }
  return { size };
}

/** A directory entry for a mount point sets the mounted directory's owner and mode; anything else is refused. */
async function onMountPoint(m: FdMount, h: Header, path: string, options: ExtractOptions): Promise<void> {
  if (h.type !== 'directory' || m.file)
    throw refuse(`cannot overwrite mount point "${shownPath(options, path)}" with "${h.name}"`);
  if (m.readOnly) throw refuse('mounted volume is marked read-only');
  const { uid, gid } = options.owner ?? { uid: h.uid ?? 0, gid: h.gid ?? 0 };
  const d = await reopenDir(m.dir);
  try {
    if (!options.noChown) await d.chown(uid, gid);
    await d.chmod(options.mode ?? (h.mode ?? 0o755) & 0o7777);
  } finally {
    await d.close();
  }
}

/** Writes an entry's data to what was opened for it. */
async function writeAll(
  file: FileHandle,
  data: AsyncIterable<unknown>,
  signal: AbortSignal | undefined,
): Promise<void> {
  // Chunks are gathered and written with one writev per BULK_CHUNK: a write per tar-stream chunk (a few KiB)
  // made the thread-pool round trips the largest cost of unpacking a big layer.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    let buffers = pending;
    pending = [];
    pendingBytes = 0;
    while (buffers.length > 0) {
      const { bytesWritten } = await file.writev(buffers);
      buffers = skipWritten(buffers, bytesWritten);
    }
  };
  for await (const chunk of data) {
    signal?.throwIfAborted();
    pending.push(chunk as Buffer);
    pendingBytes += (chunk as Buffer).length;
    if (pendingBytes >= BULK_CHUNK) await flush();
  }
  await flush();
}

/** What is left of `buffers` after a short writev wrote `written` bytes. */
function skipWritten(buffers: Buffer[], written: number): Buffer[] {
  let i = 0;
  while (i < buffers.length && written >= (buffers[i] as Buffer).length) written -= (buffers[i++] as Buffer).length;
  const rest = buffers.slice(i);
  if (rest.length > 0 && written > 0) rest[0] = (rest[0] as Buffer).subarray(written);
  return rest;
}

/** mknod(1) fails with "File exists" when the name is taken: surfaced as EEXIST so the entry can make way. */
async function mknodExclusive(
  path: string,
  type: 'c' | 'b' | 'p',
  major: number,
  minor: number,
  mode: number,
): Promise<void> {
  if (
    await lstat(path).then(
      () => true,
      () => false,
    )
  )
    throw Object.assign(new Error(`${path} exists`), { code: 'EEXIST' });
  await makeNode(path, type, major, minor, mode);
}

/** Owner then mode (chown clears setuid/setgid) of a directory this extraction just made (nothing else writes there). */
async function setOwnerAndMode(path: string, uid: number, gid: number, mode: number): Promise<void> {
  const d = await openDirNoFollow(path);
  try {
    await d.chown(uid, gid);
    await d.chmod(mode);
  } finally {
    await d.close();
  }
}

/** The names in directory `dir` (in-root) that this layer wrote, or wrote below. */
function childrenWritten(written: ReadonlySet<string>, dir: string): Set<string> {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  const keep = new Set<string>();
  for (const path of written) {
    if (!path.startsWith(prefix)) continue;
    const child = path.slice(prefix.length).split('/')[0];
    if (child) keep.add(child);
  }
  return keep;
}

/**
 * The entry a hardlink names, resolved in-root without following its last component. A target only a lower
 * layer holds is copied up first (owner, mode, times kept), as overlayfs would.
 */
async function linkSource(
  root: FdRoot,
  dirs: HeldDirs,
  linkname: string,
  lowerRoots: string[],
): Promise<Awaited<ReturnType<FdRoot['resolve']>> | undefined> {
  const find = async (): Promise<Awaited<ReturnType<FdRoot['resolve']>> | undefined> => {
    const r = await root.resolve(linkname, { followLast: false }).catch(() => undefined);
    if (!r) return undefined;
    if (
      r.name !== '' &&
      (await lstat(fdPath(r.dir.fd, r.name)).then(
        () => true,
        () => false,
      ))
    )
      return r;
    await r.release();
    return undefined;
  };
  const found = await find();
  if (found || lowerRoots.length === 0) return found;
  for (const lower of lowerRoots) {
    const candidate = await resolveInRoot(lower, linkname, false);
    const st = await lstat(candidate).catch(() => undefined);
    if (!st?.isFile()) continue;
    const parent = await dirs.get(posix.dirname(linkname));
    const copy = fdPath(parent.handle.fd, posix.basename(linkname));
    await copyFile(candidate, copy, constants.COPYFILE_EXCL);
    const fh = await open(copy, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      await fh.chown(st.uid, st.gid);
      await fh.chmod(st.mode & 0o7777); // after chown, which clears setuid/setgid
      await fh.utimes(st.atime, st.mtime);
    } finally {
      await fh.close();
    }
    return find();
  }
  return undefined;
}
