// Extracts a tar (docker cp's upload) into a directory held open, as if chrooted there (Docker untars cp uploads
// chrooted into the destination): names climbing out with `..` are refused, parents are resolved through held
// directories (fd-root.ts) so a symlink swapped in by the container is followed inside the destination only,
// files are created O_EXCL|O_NOFOLLOW, existing trees are removed through held directories too, and modes are
// set on what was opened (fchmod), never through a path. `.wh.` names are plain files here (no whiteouts in cp).
import { constants } from 'node:fs';
import { lchown, link, lstat, lutimes, mkdir, open, readdir, rmdir, symlink, unlink, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { escapesLexically } from './in-root.js';
import { FdRoot, fdPath, openDirNoFollow } from './fd-root.js';

const run = promisify(execFile);

/** A refusal of the archive's content (bad names, conflicts); the caller maps it to its own error kind. */
export class ExtractError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExtractError';
  }
}

const invalidArgument = (message: string, cause?: unknown): ExtractError => new ExtractError(message, { cause });

async function makeNode(path: string, type: 'c' | 'b' | 'p', major: number, minor: number, mode: number): Promise<void> {
  const args = ['-m', (mode & 0o7777).toString(8), path, type];
  if (type !== 'p') args.push(String(major), String(minor));
  await run('mknod', args);
}

export interface ExtractOptions {
  /** Refuse to replace a directory with a non-directory or the reverse (docker cp always asks for this). */
  noOverwriteDirNonDir: boolean;
  /** Every entry owned by this uid:gid instead of the tar's. */
  chown?: { uid: number; gid: number };
  /** Leave ownership as created (a client extracting as its user: docker's NoLchown). */
  noChown?: boolean;
  /** Renames entries (docker cp's rebase of the first path component); undefined skips the entry. */
  rename?: (name: string) => string | undefined;
  /** Sets the PAX xattrs of an entry (the daemon passes its layer helper; absent: none are set). */
  applyXattrs?: (path: string, pax: Record<string, string> | null | undefined) => Promise<void>;
  signal?: AbortSignal;
}

const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/** Removes `name` in the held directory `dir`, recursing through held directories only. */
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

export async function extractTree(destination: FileHandle, archive: Readable, options: ExtractOptions): Promise<void> {
  const root = FdRoot.of(destination);
  const extract = tar.extract();
  archive.on('error', (err) => extract.destroy(err));
  archive.pipe(extract);
  const dirTimes: { name: string; mtime: Date }[] = [];
  const owner = (h: Partial<tar.Header>): { uid: number; gid: number } => options.chown ?? { uid: h.uid ?? 0, gid: h.gid ?? 0 };
  try {
    for await (const entry of extract) {
      options.signal?.throwIfAborted();
      const h = entry.header;
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
      if (escapesLexically(rel)) throw invalidArgument(`invalid tar: path escapes the destination: ${h.name}`);
      const name = posix.normalize(`/${rel}`).slice(1);
      if (name === '') {
        entry.resume();
        continue;
      }
      // The entry's directory, held open; missing ones are made (mkdir -p), symlinks followed inside the destination.
      const dirHandle = await root.openDir(posix.dirname(name), {
        createParents: true,
        onCreate: async (d, n) => (options.noChown ? undefined : lchown(fdPath(d.fd, n), owner(h).uid, owner(h).gid)),
      });
      try {
        const base = posix.basename(name);
        const target = fdPath(dirHandle.fd, base);
        const existing = await lstat(target).catch(() => undefined);
        const isDir = h.type === 'directory';
        if (existing) {
          if (options.noOverwriteDirNonDir && existing.isDirectory() && !isDir) throw invalidArgument(`cannot overwrite directory "/${name}" with non-directory "${h.name}"`);
          if (options.noOverwriteDirNonDir && !existing.isDirectory() && isDir) throw invalidArgument(`cannot overwrite non-directory "/${name}" with directory "${h.name}"`);
          if (!(existing.isDirectory() && isDir)) await removeAt(dirHandle, base);
        }
        const { uid, gid } = owner(h);
        const mode = (h.mode ?? 0o644) & 0o7777;
        switch (h.type) {
          case 'directory': {
            if (!existing?.isDirectory()) await mkdir(target, 0o700);
            const d = await openDirNoFollow(target);
            try {
              if (!options.noChown) await d.chown(uid, gid);
              await d.chmod(mode);
            } finally {
              await d.close();
            }
            dirTimes.push({ name, mtime: h.mtime ?? new Date() });
            break;
          }
          case 'file':
          case 'contiguous-file': {
            const fh = await open(target, NEW_FILE, 0o600);
            try {
              for await (const chunk of entry) await fh.write(chunk as Buffer);
              if (!options.noChown) await fh.chown(uid, gid);
              await fh.chmod(mode); // after chown, which clears setuid/setgid
            } finally {
              await fh.close();
            }
            await options.applyXattrs?.(target, (h as { pax?: Record<string, string> | null }).pax);
            await lutimes(target, h.mtime ?? new Date(), h.mtime ?? new Date());
            break;
          }
          case 'symlink':
            await symlink(h.linkname ?? '', target);
            if (!options.noChown) await lchown(target, uid, gid);
            await lutimes(target, h.mtime ?? new Date(), h.mtime ?? new Date());
            break;
          case 'link': {
            const linkname = (h.linkname ?? '').replace(/^\/+/, '');
            if (escapesLexically(linkname)) throw invalidArgument(`invalid tar: hardlink target escapes the destination: ${h.linkname}`);
            const source = await root.resolve(linkname, { followLast: false });
            try {
              const st = await lstat(fdPath(source.dir.fd, source.name)).catch(() => undefined);
              if (!st || st.isDirectory() || source.name === '') throw invalidArgument(`invalid tar: bad hardlink target: ${h.linkname}`);
              await link(fdPath(source.dir.fd, source.name), target);
            } finally {
              await source.release();
            }
            break;
          }
          case 'character-device':
          case 'block-device':
          case 'fifo':
            await makeNode(target, h.type === 'fifo' ? 'p' : h.type === 'character-device' ? 'c' : 'b', h.devmajor ?? 0, h.devminor ?? 0, mode);
            if (!options.noChown) await lchown(target, uid, gid);
            break;
          default:
            break;
        }
        entry.resume();
      } finally {
        await dirHandle.close();
      }
    }
  } catch (err) {
    archive.unpipe(extract);
    archive.resume();
    if (err instanceof ExtractError || (err as Error).name === 'AbortError') throw err;
    throw invalidArgument(`${(err as Error).message}`, err);
  } finally {
    // Directory times last: writing children changed them.
    // Looked up again through held directories: the tree may have changed since.
    for (const { name, mtime } of dirTimes.reverse()) {
      const r = await root.resolve(name, { followLast: false }).catch(() => undefined);
      if (!r) continue;
      if (r.name !== '') await lutimes(fdPath(r.dir.fd, r.name), mtime, mtime).catch(() => undefined);
      await r.release();
    }
  }
}
