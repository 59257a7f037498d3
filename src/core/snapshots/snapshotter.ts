// Snapshotter: stacks of filesystem trees, containerd-style.
// Lifecycle: prepare(key, parent) makes an *active* (writable) snapshot on top of a *committed* parent;
// a layer is unpacked by prepare -> applyLayer -> commit(name = chain id); a container's rootfs is an
// active snapshot keyed by the container id, mounted from mounts(key) and removed with the container.
// Committed snapshots are immutable and can be removed only when no snapshot names them as parent.
import type { Readable } from 'node:stream';

export type SnapshotKind = 'active' | 'committed';

export interface SnapshotInfo {
  key: string;
  kind: SnapshotKind;
  parent: string | undefined;
  /** RFC 3339 creation time. */
  created: string;
}

/** One mount(2) call; applied in order to a target directory. */
export interface Mount {
  type: 'overlay' | 'bind';
  source: string;
  options: string[];
}

export interface Usage {
  /** Bytes used by this snapshot alone (not its parents). */
  size: number;
  inodes: number;
}

export interface ApplyResult {
  /** Bytes of file content written. */
  size: number;
}

export interface Snapshotter {
  readonly name: 'overlay' | 'native';

  /**
   * Creates an active snapshot on top of `parent` (a committed key, or none for an empty root). `writeBehind`: the
   * answer comes before the snapshot is recorded durably; every later call about `key` waits for that record, and a
   * crash before it lands loses the snapshot, so the caller must drop whatever names it after a crash (an AutoRemove
   * container, which the daemon's start removes when it is not running).
   */
  prepare(
    key: string,
    parent: string | undefined,
    options?: { signal?: AbortSignal; writeBehind?: boolean },
  ): Promise<Mount[]>;

  /**
   * Mounts that show an active snapshot's merged tree (for a container rootfs). `volatile`: the caller throws the
   * snapshot away after a host crash and never reads it back (an AutoRemove container's layer), so the snapshotter
   * may skip making its writes durable (overlay: `volatile`, no sync of the whole upper filesystem at unmount).
   */
  mounts(key: string, options?: { volatile?: boolean }): Promise<Mount[]>;

  /**
   * Unpacks an OCI layer (uncompressed tar) into an active snapshot: whiteouts and opaque directories
   * are honoured; every path is confined to the snapshot (no `..`, symlink or hardlink escapes).
   */
  applyLayer(key: string, layer: Readable, options?: { signal?: AbortSignal }): Promise<ApplyResult>;

  /** Turns an active snapshot into a committed one named `name`. Atomic: crash leaves either. */
  commit(name: string, key: string, options?: { signal?: AbortSignal }): Promise<void>;

  /** Removes a snapshot; NotFound if absent, FailedPrecondition if it still has children. */
  remove(key: string, options?: { signal?: AbortSignal }): Promise<void>;

  stat(key: string): Promise<SnapshotInfo>;
  list(): Promise<SnapshotInfo[]>;
  usage(key: string): Promise<Usage>;

  /** Drops half-made snapshots left by a crash (active snapshots not in `keep`). Called at start. */
  cleanup(keep: ReadonlySet<string>): Promise<void>;
}
