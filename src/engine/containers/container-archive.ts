// docker cp (stat, archive, extract), export and diff. Each works on running and stopped containers: a running
// one's rootfs is its bundle's mount; a stopped one's is mounted privately for the operation. The container's
// lock is held until the operation (the tar stream included) is over, so it is not started, stopped or removed
// under a copy. Paths are resolved in-root by the ContainerFsPort, through the container's volumes and binds
// as its processes see them (not tmpfs, as Docker's cp does not show them either).
import type { Readable } from 'node:stream';
import { conflict, invalidArgument, isKind, notFound } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type {
  ContainerFsPort,
  ContainerView,
  FsChange,
  PathStat,
  RootfsLease,
} from '../../core/containers/container-fs.js';
import { isRunning } from '../../core/containers/lifecycle.js';
import { resolveUser } from '../../core/runtime/user.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import type { ContainerAccess } from './container-access.js';
import type { ContainerFiles } from './ports.js';
import { containerRootfs } from './container-rootfs.js';

export interface ContainerArchiveDeps {
  access: ContainerAccess;
  fs: ContainerFsPort;
  snapshots: Snapshotter;
  files: ContainerFiles;
}

/** runc's stubs for the engine's mount points, which containers started before the init layer existed have in their
 * own layer: never the container's changes. The init layer holds them now (so runc makes none), and every other mount
 * point (a volume's, a bind's, a tmpfs', /proc if the image has none) is made in the container's layer, as by
 * dockerd, whose diff and commit show it. */
export const RUNTIME_PATHS: ReadonlySet<string> = new Set([
  '/etc/hosts',
  '/etc/hostname',
  '/etc/resolv.conf',
  '/dev/shm',
  '/dev/pts',
  '/dev/mqueue',
  '/dev/console',
]);

/** What diff and commit leave out of the container's layer. */
export function ignoredPaths(_c: ContainerRecord): Set<string> {
  return new Set(RUNTIME_PATHS);
}

/** The container's files with its volumes and binds where it sees them, and the /etc files the engine writes for
 * it (hosts, hostname, resolv.conf) where a mount of the user's does not take their place, once it has started:
 * Docker's cp shows these as the container's processes read them, not the empty mount points under them. */
export function containerView(root: string, c: ContainerRecord): ContainerView {
  const mounts = c.mounts
    .filter((m) => (m.Type === 'volume' || m.Type === 'bind') && m.Source)
    .map((m) => ({ destination: m.Destination, source: m.Source, readOnly: !m.RW }));
  const taken = new Set(c.mounts.map((m) => m.Destination));
  // dockerd writes them at a container's first start: before it, cp reads and writes the container's own layer
  // (the init layer's empty files), which the start's bind mounts then cover.
  const everStarted = c.state.startedAt !== '';
  const etc = [
    { destination: '/etc/hosts', source: c.hostsPath },
    { destination: '/etc/hostname', source: c.hostnamePath },
    { destination: '/etc/resolv.conf', source: c.resolvConfPath },
  ]
    .filter((f) => everStarted && f.source && !taken.has(f.destination))
    .map((f) => ({ ...f, readOnly: false }));
  return { root, mounts: [...etc, ...mounts], readOnlyRoot: c.hostConfig.ReadonlyRootfs === true };
}

export class ContainerArchive {
  constructor(private readonly deps: ContainerArchiveDeps) {}

  /** The merged rootfs of a container: its bundle's mount while it runs, a private mount otherwise. Caller holds the lock. */
  private async rootfs(c: ContainerRecord, signal?: AbortSignal): Promise<RootfsLease> {
    if (isRunning(c) && c.state.status !== 'restarting')
      return { root: `${this.deps.files.paths(c.id).bundleDir}/rootfs`, release: async () => undefined };
    if (c.state.status === 'removing') throw conflict(`container ${c.id} is marked for removal`);
    return this.deps.fs.mount(await containerRootfs(this.deps, c), { signal });
  }

  private async withRootfs<T>(
    ref: string,
    work: (view: ContainerView, c: ContainerRecord) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    return this.deps.access.locked(ref, async (c) => {
      const lease = await this.rootfs(c, signal);
      try {
        return await work(containerView(lease.root, c), c);
      } finally {
        await lease.release();
      }
    });
  }

  /** NotFound as Docker words it for cp. */
  private static fileNotFound(err: unknown, path: string, ref: string): never {
    if (isKind(err, 'NotFound')) throw notFound(`Could not find the file ${path} in container ${ref}`, err);
    throw err;
  }

  async statPath(ref: string, path: string): Promise<PathStat> {
    if (!path) throw invalidArgument('path is required');
    return this.withRootfs(ref, (view) =>
      this.deps.fs.statPath(view, path).catch((err: unknown) => ContainerArchive.fileNotFound(err, path, ref)),
    );
  }

  /** The stat and a tar of the path; the lock is held until the tar has been read or dropped. */
  async archive(
    ref: string,
    path: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ stat: PathStat; tar: Readable }> {
    if (!path) throw invalidArgument('path is required');
    return this.streaming(
      ref,
      async (view, c) => {
        const out = await this.deps.fs
          .archivePath(view, path, options)
          .catch((err: unknown) => ContainerArchive.fileNotFound(err, path, ref));
        this.deps.access.publish(c, 'archive-path');
        return out;
      },
      options.signal,
    );
  }

  /** Holds the lock and the rootfs until the returned stream is over; resolves as soon as it can be read. */
  private streaming<T extends { tar: Readable; done: Promise<void> }>(
    ref: string,
    open: (view: ContainerView, c: ContainerRecord) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<Omit<T, 'done'>> {
    return new Promise((resolve, reject) => {
      this.withRootfs(
        ref,
        async (view, c) => {
          const { done, ...rest } = await open(view, c);
          resolve(rest);
          await done;
        },
        signal,
      ).catch(reject);
    });
  }

  async extract(
    ref: string,
    path: string,
    tar: Readable,
    options: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean; signal?: AbortSignal },
  ): Promise<void> {
    if (!path) throw invalidArgument('path is required');
    await this.withRootfs(
      ref,
      async (view, c) => {
        let chown: { uid: number; gid: number } | undefined;
        if (options.copyUIDGID && c.config.User) {
          const [passwd, group] = await Promise.all([
            this.deps.fs.readText(view, '/etc/passwd'),
            this.deps.fs.readText(view, '/etc/group'),
          ]);
          const user = resolveUser(c.config.User, passwd, group);
          chown = { uid: user.uid, gid: user.gid };
        }
        await this.deps.fs
          .extractToDir(view, path, tar, {
            noOverwriteDirNonDir: options.noOverwriteDirNonDir,
            chown,
            signal: options.signal,
          })
          .catch((err: unknown) => ContainerArchive.fileNotFound(err, path, ref));
        this.deps.access.publish(c, 'extract-to-dir');
      },
      options.signal,
    );
  }

  async export(ref: string, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    const { tar } = await this.streaming(
      ref,
      async (view, c) => {
        // As Docker's export: the container's own files, without its volumes.
        const out = this.deps.fs.exportRoot(view.root, options);
        this.deps.access.publish(c, 'export');
        return out;
      },
      options.signal,
    );
    return tar;
  }

  async changes(ref: string): Promise<FsChange[]> {
    const c = this.deps.access.resolve(ref);
    // Compared with the init layer below it, as dockerd's: a changed /.dockerenv is a change, a removed /etc/mtab a deletion.
    return this.deps.fs.changes(await containerRootfs(this.deps, c), ignoredPaths(c));
  }
}
