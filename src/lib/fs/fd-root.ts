// Race-free in-root resolution for trees a running container can change under us (docker cp, export, commit).
// `in-root.ts` resolves a path to a host path, which is re-walked by the kernel later: a container that swaps a
// directory for a symlink between the two walks would send the operation outside the root. Here every step
// holds an open directory (O_DIRECTORY|O_NOFOLLOW) and names the next one through `/proc/<pid>/fd/<n>/name`,
// whose magic link jumps to the held directory without looking at the path again. Symlinks are followed by
// reading them and restarting from the root (absolute) or the held directory (relative); `..` pops the held
// stack and never goes above the root; a component swapped between lstat and open fails open and is retried.
// Mounts (a container's volumes and binds) are other held directories grafted at in-root paths: the walk steps
// into them where the container would, and symlinks inside them still resolve against the root (as in the
// container), so nothing reaches the host beyond what is mounted.
import { constants } from 'node:fs';
import { lstat, mkdir, open, readlink, type FileHandle } from 'node:fs/promises';
import { PathEscapeError } from './in-root.js';

const MAX_SYMLINKS = 255;
const MAX_RETRIES = 64;
export const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

const parts = (path: string): string[] => path.split('/').filter((p) => p !== '' && p !== '.');

/** A host path naming `name` inside the directory held by `fd`, safe from swaps of anything above it. */
export const fdPath = (fd: number, name = ''): string =>
  name ? `/proc/${process.pid}/fd/${fd}/${name}` : `/proc/${process.pid}/fd/${fd}`;

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/** Opens a directory without following a symlink in its last component. */
export const openDirNoFollow = (path: string): Promise<FileHandle> => open(path, DIR_FLAGS);

/** An independent handle on a held directory (through its magic link, which must be followed). */
export const reopenDir = (dir: FileHandle): Promise<FileHandle> =>
  open(fdPath(dir.fd), constants.O_RDONLY | constants.O_DIRECTORY);

/** A directory (or one file) mounted at an in-root path. */
export interface FdMount {
  /** The mounted directory; for a file mount, the directory holding the file. Owned by the caller. */
  dir: FileHandle;
  /** '' for a directory mount; the mounted file's name in `dir` for a file mount. */
  file: string;
  readOnly: boolean;
}

/** In-root absolute paths ('/vol1', no trailing slash) to what is mounted there. */
export type FdMounts = ReadonlyMap<string, FdMount>;

/** The EROFS a write into a read-only mount meets. */
const readOnlyError = (path: string): Error =>
  Object.assign(new Error('mounted volume is marked read-only'), { code: 'EROFS', path });

export interface Resolved {
  /** The directory holding the final component (the root itself when the path names the root). */
  dir: FileHandle;
  /** The final component; '' when the path names the directory `dir` itself. */
  name: string;
  /** The in-root path of `dir`, '/'-rooted (for link targets and messages). */
  dirPath: string;
  /** `dir` lies in a read-only mount. */
  readOnly: boolean;
  /** Closes every directory this resolution opened (never the root). */
  release(): Promise<void>;
}

export interface ResolveOptions {
  /** Follow a symlink in the last component (within the root). */
  followLast: boolean;
  /** Create missing intermediate directories (mode 0755) as `mkdir -p` would. */
  createParents?: boolean;
  /** Called with each directory this walk creates (to set its owner): its parent, its name, its in-root path. */
  onCreate?: (dir: FileHandle, name: string, path: string) => Promise<void>;
  /** The caller writes there: EROFS when the directory (or one to create) lies in a read-only mount. */
  writable?: boolean;
}

/** A directory used as `/` for every path given to it; holds it open. */
export class FdRoot {
  private constructor(
    readonly handle: FileHandle,
    private readonly mounts: FdMounts,
  ) {}

  static async open(path: string, mounts: FdMounts = new Map()): Promise<FdRoot> {
    return new FdRoot(await openDirNoFollow(path), mounts);
  }

  /** A root held through a handle the caller owns (a directory already resolved inside another root). */
  static of(handle: FileHandle, mounts: FdMounts = new Map()): FdRoot {
    return new FdRoot(handle, mounts);
  }

  /** What is mounted exactly at an in-root path. */
  mountAt(path: string): FdMount | undefined {
    return this.mounts.get(path);
  }

  /** The innermost mount holding an in-root path (the path itself included). */
  mountOf(path: string): FdMount | undefined {
    for (let p = path; p !== '/' && p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
      const m = this.mounts.get(p);
      if (m) return m;
    }
    return undefined;
  }

  /** Some mount lies at or below this in-root path (removing it would remove a mount point). */
  mountAtOrBelow(path: string): boolean {
    const prefix = path === '/' ? '/' : `${path}/`;
    for (const key of this.mounts.keys()) if (key === path || key.startsWith(prefix)) return true;
    return false;
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  async resolve(path: string, options: ResolveOptions): Promise<Resolved> {
    const stack: FileHandle[] = [];
    const names: string[] = [];
    const top = (): FileHandle => stack[stack.length - 1] ?? this.handle;
    const release = async (): Promise<void> => {
      while (stack.length > 0)
        await stack
          .pop()
          ?.close()
          .catch(() => undefined);
    };
    let pending = parts(path);
    let hops = 0;
    let retries = 0;
    const dirPath = (): string => `/${names.join('/')}`;
    const readOnly = (): boolean => this.mountOf(dirPath())?.readOnly ?? false;
    const done = (dir: FileHandle, name: string, at = dirPath(), ro = readOnly()): Resolved => {
      if (options.writable && ro) throw readOnlyError(at);
      return { dir, name, dirPath: at, readOnly: ro, release };
    };
    try {
      while (pending.length > 0) {
        const part = pending.shift() as string;
        if (part === '..') {
          if (stack.length > 0) await stack.pop()?.close();
          names.pop();
          continue;
        }
        const isLast = pending.length === 0;
        const childPath = names.length === 0 ? `/${part}` : `${dirPath()}/${part}`;
        const mount = this.mounts.get(childPath);
        if (mount) {
          // A mount point is never a symlink: step into what is mounted, last component or not.
          if (mount.file) {
            if (!isLast) throw Object.assign(new Error(`not a directory: ${childPath}`), { code: 'ENOTDIR' });
            return done(mount.dir, mount.file, dirPath(), mount.readOnly);
          }
          stack.push(await reopenDir(mount.dir));
          names.push(part);
          continue;
        }
        if (isLast && !options.followLast) return done(top(), part);
        const here = fdPath(top().fd, part);
        const st = await lstat(here).catch((err: unknown) =>
          code(err) === 'ENOENT' ? undefined : Promise.reject(err),
        );
        if (!st) {
          if (isLast) return done(top(), part);
          // A missing directory above a mount point is made, as runc does when it mounts (and Docker's cp view).
          const aboveMount = this.mountAtOrBelow(childPath);
          if (!options.createParents && !aboveMount)
            throw Object.assign(new Error(`no such file or directory: ${childPath}`), { code: 'ENOENT' });
          if ((options.writable || aboveMount) && readOnly()) throw readOnlyError(childPath);
          await mkdir(here, 0o755).catch((err: unknown) => (code(err) === 'EEXIST' ? undefined : Promise.reject(err)));
          await options.onCreate?.(top(), part, childPath);
          pending.unshift(part);
          continue;
        }
        if (st.isSymbolicLink()) {
          if (++hops > MAX_SYMLINKS) throw new PathEscapeError(`too many levels of symbolic links: ${path}`);
          const target = await readlink(here).catch(() => undefined);
          if (target === undefined) {
            // Swapped since the lstat: look again.
            if (++retries > MAX_RETRIES) throw new Error(`path keeps changing: ${path}`);
            pending.unshift(part);
            continue;
          }
          if (target.startsWith('/')) {
            await release();
            names.length = 0;
          }
          pending = [...parts(target), ...pending];
          continue;
        }
        if (isLast) return done(top(), part);
        if (!st.isDirectory()) throw Object.assign(new Error(`not a directory: ${childPath}`), { code: 'ENOTDIR' });
        try {
          stack.push(await openDirNoFollow(here));
          names.push(part);
        } catch (err) {
          if (!['ELOOP', 'ENOTDIR', 'ENOENT'].includes(code(err) ?? '') || ++retries > MAX_RETRIES) throw err;
          pending.unshift(part); // changed between lstat and open
        }
      }
      return done(top(), '');
    } catch (err) {
      await release();
      throw err;
    }
  }

  /** Opens the directory a path names (following symlinks in-root); the caller closes it. */
  async openDir(path: string, options: Omit<ResolveOptions, 'followLast'> = {}): Promise<FileHandle> {
    return (await this.openDirAt(path, options)).handle;
  }

  /** As openDir, with the in-root path the directory was found at (symlinks resolved). */
  async openDirAt(
    path: string,
    options: Omit<ResolveOptions, 'followLast'> = {},
  ): Promise<{ handle: FileHandle; path: string }> {
    const r = await this.resolve(path, { ...options, followLast: true });
    try {
      if (r.name === '') {
        // The path names a directory resolution already holds (or the root): hand out an independent handle.
        return { handle: await reopenDir(r.dir), path: r.dirPath };
      }
      const inRoot = r.dirPath === '/' ? `/${r.name}` : `${r.dirPath}/${r.name}`;
      if (options.createParents) {
        const made = await mkdir(fdPath(r.dir.fd, r.name), 0o755).then(
          () => true,
          (err: unknown) => (code(err) === 'EEXIST' ? false : Promise.reject(err)),
        );
        if (made) await options.onCreate?.(r.dir, r.name, inRoot);
      }
      return { handle: await openDirNoFollow(fdPath(r.dir.fd, r.name)), path: inRoot };
    } finally {
      await r.release();
    }
  }
}
