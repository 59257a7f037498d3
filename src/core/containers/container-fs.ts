// A container's filesystem as docker cp, export, diff and commit see it. Implemented in drivers/container-fs.
// Lifecycle: a running container's rootfs is already mounted (its bundle's rootfs); a stopped one's is mounted
// privately by mount() for the length of one operation and unmounted by the lease's release(). Every path
// given here is resolved inside the root as if chrooted, safe against a container changing the tree meanwhile.
import type { Readable } from 'node:stream';
import type { Mount } from '../snapshots/snapshotter.js';

/** Docker's ContainerPathStat (`X-Docker-Container-Path-Stat`); mode in Go os.FileMode bits. */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  /** RFC 3339 with nanoseconds. */
  mtime: string;
  /** The in-root path a symlink resolves to; '' otherwise. */
  linkTarget: string;
}

/** Docker's change kinds: 0 modified, 1 added, 2 deleted. */
export interface FsChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** A volume or bind as cp sees it: `source` (a host path) appears at `destination` inside the container. */
export interface ViewMount {
  destination: string;
  source: string;
  readOnly: boolean;
}

/** A container's files as its processes see them: the merged root with its volumes and binds in place. */
export interface ContainerView {
  root: string;
  mounts: ViewMount[];
  /** The root itself is read-only (ReadonlyRootfs): only a destination in a writable mount takes an upload. */
  readOnlyRoot: boolean;
}

export interface RootfsLease {
  /** Host path of the merged root. */
  root: string;
  release(): Promise<void>;
}

export interface ExtractRequest {
  noOverwriteDirNonDir: boolean;
  /** Every extracted entry owned by this uid:gid (docker cp -a with a container user). */
  chown?: { uid: number; gid: number };
  signal?: AbortSignal;
}

export interface ContainerFsPort {
  /** Mounts a snapshot's mounts on a private directory; the lease unmounts it. */
  mount(mounts: Mount[], options?: { signal?: AbortSignal }): Promise<RootfsLease>;
  /** NotFound when the path does not exist (the last component is not followed). */
  statPath(view: ContainerView, path: string): Promise<PathStat>;
  /** The path's stat and a tar of it, entries named as Docker does (under the requested base name). */
  archivePath(
    view: ContainerView,
    path: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ stat: PathStat; tar: Readable; done: Promise<void> }>;
  /**
   * Extracts a tar into the directory `path` names (symlinks followed in-root); NotFound / InvalidArgument as Docker,
   * InvalidArgument when it would write into a read-only mount, or (the destination resolved) a read-only root.
   */
  extractToDir(view: ContainerView, path: string, tar: Readable, request: ExtractRequest): Promise<void>;
  /** A file's text inside the container, '' when absent (for /etc/passwd). */
  readText(view: ContainerView, path: string): Promise<string>;
  /** The whole merged tree as a tar (docker export). `exclude` names top-level entries to skip. */
  exportRoot(root: string, options?: { signal?: AbortSignal }): { tar: Readable; done: Promise<void> };
  /** What the container changed over its image, from the snapshot's mounts (overlay upper dir). */
  changes(mounts: Mount[], ignore: ReadonlySet<string>): Promise<FsChange[]>;
  /** The container's own layer as an OCI layer tar with whiteouts (for commit). */
  diffLayer(
    mounts: Mount[],
    ignore: ReadonlySet<string>,
    options?: { signal?: AbortSignal },
  ): { tar: Readable; done: Promise<void> };
}
