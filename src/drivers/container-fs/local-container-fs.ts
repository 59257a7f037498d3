// ContainerFsPort on the host: stat, archive, extract and export through held directories (fd-root.ts), so a
// running container cannot steer us outside its root; stopped containers' rootfs mounted under a private dir.
// Volumes and binds are walked into where the container sees them (view-mounts.ts), never mounted on the host.
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { invalidArgument, notFound, notImplemented } from '../../core/errdefs.js';
import type {
  ContainerFsPort,
  ContainerView,
  ExtractRequest,
  FsChange,
  PathStat,
  RootfsLease,
} from '../../core/containers/container-fs.js';
import type { Mount } from '../../core/snapshots/snapshotter.js';
import { FdRoot, fdPath, type FdMount, type Resolved } from '../../lib/fs/fd-root.js';
import { formatTimeNano } from '../../lib/time.js';
import { mountRootfs, unmountRootfs } from '../runtime-runc/bundle.js';
import { packTree } from '../../lib/fs/pack-tree.js';
import { ExtractError, extractTar } from '../../lib/fs/extract-tar.js';
import { overlayChanges, overlayDirs } from './overlay-changes.js';
import { goFileMode } from './go-file-mode.js';
import { holdMounts, mountsBelow } from './view-mounts.js';
import { resolveInRoot } from '../../lib/fs/in-root.js';

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/** Go's filepath.Base of Docker's absPath: trailing slashes dropped, "/" for the root. */
export function baseName(path: string): string {
  const abs = posix.join('/', path);
  const keepsDot = path.endsWith('/.') || path === '.';
  if (keepsDot) return '.';
  const trimmed = abs.replace(/\/+$/, '');
  return trimmed === '' ? '/' : posix.basename(trimmed);
}

/** How docker resolves a cp path: the last component is not followed unless the path ends in `/` or `/.`. */
const followsLast = (path: string): boolean => path.endsWith('/') || path.endsWith('/.') || path === '.';

/** A path the kernel refuses for its length (a name over NAME_MAX, a path over PATH_MAX) is the caller's error. */
function refuseOverlongName(err: unknown, path: string): void {
  if (code(err) === 'ENAMETOOLONG') throw invalidArgument(`file name too long: ${path}`, err);
}

/**
 * The ignored paths whose entry in the upper dir is what runc leaves for a mount point (an empty file or directory),
 * or is absent: left out of diff and commit. Anything else there was written (cp into a container never started,
 * before its start's mounts covered it) and is a change, as dockerd shows it.
 */
async function stubsOnly(upper: string, ignore: ReadonlySet<string>): Promise<Set<string>> {
  const out = new Set<string>();
  for (const path of ignore) {
    const host = await resolveInRoot(upper, path, false).catch(() => undefined);
    const st = host === undefined ? undefined : await lstat(host).catch(() => undefined);
    const stub =
      !st ||
      (st.isFile() && st.size === 0) ||
      (st.isDirectory() && host !== undefined && (await readdir(host).catch(() => [])).length === 0);
    if (stub) out.add(path);
  }
  return out;
}

export class LocalContainerFs implements ContainerFsPort {
  constructor(private readonly mountsDir: string) {}

  /** Unmounts and removes what a crash left under the private mounts dir. */
  async init(): Promise<void> {
    await mkdir(this.mountsDir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.mountsDir).catch(() => [] as string[])) {
      await unmountRootfs(join(this.mountsDir, name)).catch(() => undefined);
      await rm(join(this.mountsDir, name), { recursive: true, force: true }).catch(() => undefined);
    }
  }

  async mount(mounts: Mount[], options: { signal?: AbortSignal } = {}): Promise<RootfsLease> {
    const root = await mkdtemp(join(this.mountsDir, 'rootfs-'));
    try {
      await mountRootfs(mounts, root, options);
    } catch (err) {
      await unmountRootfs(root).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
      throw err;
    }
    return {
      root,
      release: async () => {
        await unmountRootfs(root);
        await rm(root, { recursive: true, force: true });
      },
    };
  }

  /** The view's root and mounts held open for the length of `use`. */
  private async withView<T>(
    view: ContainerView,
    use: (fdRoot: FdRoot, mounts: ReadonlyMap<string, FdMount>) => Promise<T>,
  ): Promise<T> {
    const held = await holdMounts(view.mounts);
    try {
      const fdRoot = await FdRoot.open(view.root, held.mounts);
      try {
        return await use(fdRoot, held.mounts);
      } finally {
        await fdRoot.close();
      }
    } finally {
      await held.close();
    }
  }

  private async resolved<T>(
    view: ContainerView,
    path: string,
    followLast: boolean,
    use: (r: Resolved, fdRoot: FdRoot) => Promise<T>,
  ): Promise<T> {
    return this.withView(view, async (fdRoot) => {
      const r = await fdRoot.resolve(path, { followLast }).catch((err: unknown) => {
        refuseOverlongName(err, path);
        if (code(err) === 'ENOENT') throw notFound(`no such file or directory: ${path}`);
        if (code(err) === 'ENOTDIR') throw invalidArgument(`not a directory: ${path}`);
        throw err;
      });
      try {
        return await use(r, fdRoot);
      } finally {
        await r.release();
      }
    });
  }

  private async statResolved(r: Resolved, fdRoot: FdRoot, path: string): Promise<PathStat> {
    // The held directory itself is named by its magic link, which must be followed (stat, not lstat).
    const st = await (
      r.name === '' ? stat(fdPath(r.dir.fd), { bigint: true }) : lstat(fdPath(r.dir.fd, r.name), { bigint: true })
    ).catch((err: unknown) => {
      refuseOverlongName(err, path);
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') throw notFound(`no such file or directory: ${path}`);
      throw err;
    });
    // A path that asserts a directory (`x/`, `x/.`) names no file: dockerd's lstat of it fails, and the docker CLI
    // copying to it says "no such directory" rather than overwrite the file.
    if (followsLast(path) && !st.isDirectory()) throw invalidArgument(`lstat ${path}: not a directory`);
    let linkTarget = '';
    if (st.isSymbolicLink()) {
      const target = await fdRoot.resolve(path, { followLast: true });
      linkTarget = posix.join(target.dirPath, target.name);
      await target.release();
    }
    return {
      name: baseName(path),
      size: Number(st.size),
      mode: goFileMode(Number(st.mode)),
      mtime: formatTimeNano(st.mtimeNs),
      linkTarget,
    };
  }

  async statPath(view: ContainerView, path: string): Promise<PathStat> {
    return this.resolved(view, path, followsLast(path), (r, fdRoot) => this.statResolved(r, fdRoot, path));
  }

  async archivePath(
    view: ContainerView,
    path: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ stat: PathStat; tar: Readable; done: Promise<void> }> {
    const held = await holdMounts(view.mounts);
    let fdRoot: FdRoot | undefined;
    let r: Resolved | undefined;
    const release = async (): Promise<void> => {
      await r?.release();
      await fdRoot?.close();
      await held.close();
    };
    try {
      fdRoot = await FdRoot.open(view.root, held.mounts);
      r = await fdRoot.resolve(path, { followLast: followsLast(path) }).catch((err: unknown) => {
        refuseOverlongName(err, path);
        if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') throw notFound(`no such file or directory: ${path}`);
        throw err;
      });
      const stat = await this.statResolved(r, fdRoot, path);
      const rebase = stat.name === '/' ? '.' : stat.name;
      // Mounts below a packed directory are packed from what is mounted, as the container sees them.
      const below = mountsBelow(held.mounts, r.name === '' ? r.dirPath : posix.join(r.dirPath, r.name));
      const tar = packTree(r.dir, r.name, rebase, { signal: options.signal, mountAt: (rel) => below.get(`/${rel}`) });
      const done = finished(tar)
        .catch(() => undefined)
        .finally(release);
      return { stat, tar, done };
    } catch (err) {
      await release();
      throw err;
    }
  }

  async extractToDir(view: ContainerView, path: string, tar: Readable, request: ExtractRequest): Promise<void> {
    await this.withView(view, async (fdRoot, held) => {
      const dir = await fdRoot.openDirAt(path, { writable: true }).catch((err: unknown) => {
        refuseOverlongName(err, path);
        if (code(err) === 'ENOENT') throw notFound(`no such file or directory: ${path}`);
        if (code(err) === 'ENOTDIR' || code(err) === 'ELOOP')
          throw invalidArgument('extraction point is not a directory');
        if (code(err) === 'EROFS') throw invalidArgument((err as Error).message, err);
        throw err;
      });
      try {
        // As Docker's: the resolved destination decides (a symlink in a volume may lead back into the root).
        if (view.readOnlyRoot && !fdRoot.mountOf(dir.path))
          throw invalidArgument('container rootfs is marked read-only');
        // The extraction is rooted at the destination: mounts below it are keyed relative to it.
        const mounts = mountsBelow(held, dir.path);
        const options = {
          noOverwriteDirNonDir: request.noOverwriteDirNonDir,
          owner: request.chown,
          mounts,
          shownAt: dir.path,
          signal: request.signal,
        };
        await extractTar(dir.handle, tar, options).catch((err: unknown) => {
          throw err instanceof ExtractError ? invalidArgument(err.message, err) : err;
        });
      } finally {
        await dir.handle.close();
      }
    });
  }

  async readText(view: ContainerView, path: string): Promise<string> {
    return this.resolved(view, path, true, async (r) =>
      r.name === '' ? '' : readFile(fdPath(r.dir.fd, r.name), 'utf8').catch(() => ''),
    ).catch(() => '');
  }

  exportRoot(root: string, options: { signal?: AbortSignal } = {}): { tar: Readable; done: Promise<void> } {
    return this.packRoot(root, { signal: options.signal });
  }

  private packRoot(
    root: string,
    options: { signal?: AbortSignal; overlayWhiteouts?: boolean; exclude?: Promise<ReadonlySet<string>> },
  ): { tar: Readable; done: Promise<void> } {
    const out = new PassThrough();
    const done = (async () => {
      const exclude = await options.exclude;
      const fdRoot = await FdRoot.open(root);
      try {
        const tar = packTree(fdRoot.handle, '', '', { ...options, exclude });
        tar.on('error', (err) => out.destroy(err));
        tar.pipe(out);
        await finished(tar).catch(() => undefined);
      } finally {
        await fdRoot.close();
      }
    })();
    done.catch((err: unknown) => out.destroy(err as Error));
    return { tar: out, done: done.catch(() => undefined) };
  }

  async changes(mounts: Mount[], ignore: ReadonlySet<string>): Promise<FsChange[]> {
    const dirs = overlayDirs(mounts);
    if (!dirs) throw notImplemented('diff needs the overlay storage driver');
    return overlayChanges(dirs.upper, dirs.lower, await stubsOnly(dirs.upper, ignore));
  }

  diffLayer(
    mounts: Mount[],
    ignore: ReadonlySet<string>,
    options: { signal?: AbortSignal } = {},
  ): { tar: Readable; done: Promise<void> } {
    const dirs = overlayDirs(mounts);
    if (!dirs) throw notImplemented('commit needs the overlay storage driver');
    const upper = dirs.upper;
    const exclude = stubsOnly(upper, ignore).then((stubs) => new Set([...stubs].map((p) => p.replace(/^\/+/, ''))));
    return this.packRoot(upper, { signal: options.signal, overlayWhiteouts: true, exclude });
  }
}
