// What the container service needs from elsewhere, injected by the daemon: images, files, the runtime.
import type { ImageRunConfig } from '../../core/containers/merge-config.js';
import type { VolumeNeed } from '../../core/volumes/container-volumes.js';
import type { MountPoint } from '../../spec/docker/containers.js';

export type { ContainerFiles, ContainerPaths } from '../../core/containers/container-files.js';

export interface ResolvedImage {
  /** "sha256:..." config digest. */
  id: string;
  config: ImageRunConfig;
  /** Chain id of the top layer: the parent snapshot of the container's rootfs; undefined for an empty image. */
  topChainId: string | undefined;
}

export interface ImageResolver {
  /** NotFound with Docker's "No such image: x" when absent. With `forContainer`, the image is referenced for that
   * create (rmi and prune see it in use) until releaseCreate. */
  resolve(reference: string, forContainer?: string): Promise<ResolvedImage>;
  /** Drops resolve()'s reference: the record is stored (it names the image), or the create failed. */
  releaseCreate?(containerId: string): void;
  /** Image IDs the `ancestor` filter matches for a reference (empty when unknown). */
  idsFor(reference: string): string[];
}

/**
 * Test-only (off unless berthd is started with BERTH_TEST_PAUSE_AT, daemon/test-pause-point.ts): where a container
 * create can be held so a race test sends its rival request inside the window.
 * - `create-before-record`: everything the container needs is resolved and prepared (image, volumes, networks
 *   checked, layer, files); its record is not stored yet.
 */
export type CreateRecordPausePoint = 'create-before-record';
/** - `stop-signalled`: a stop (or restart) sent its stop signal and let go of the container's lock; its wait for the
 *   run's exit has not begun. */
export type StopPausePoint = 'stop-signalled';

export type { ExitInfo, RunRequest, RuntimeStatus, RuntimePort } from '../../core/runtime/runtime.js';

/** Volumes as containers use them (the volume service): made at create, mounted at start, released at exit. */
export interface ContainerVolumes {
  dataPath(name: string): string;
  /** Makes the missing ones and references all for the create (a removal meanwhile answers "in use"); returns the
   * names made (for drop() when the create fails later). */
  ensure(containerId: string, needs: VolumeNeed[], options?: { signal?: AbortSignal }): Promise<string[]>;
  /** Drops ensure()'s references: once the record is stored (its mounts name the volumes), or the create failed. */
  releaseCreate(containerId: string): void;
  drop(names: string[]): Promise<void>;
  mountFor(containerId: string, points: MountPoint[], options?: { signal?: AbortSignal }): Promise<void>;
  releaseFor(containerId: string, points: MountPoint[]): Promise<void>;
  /** Before a create makes them: its anonymous volumes go if the daemon dies before the record is stored. */
  guardCreate(containerId: string, anonymous: string[]): void;
  /** Stores durably which volumes go with the container's removal (its anonymous ones for `rm -v`, else none). */
  intendRemoval(containerId: string, points: MountPoint[]): void;
  /** After the record went: the intended volumes go (those no container names). */
  removeIntended(containerId: string): Promise<void>;
  /** At start, before containers are restored: intents of removals a crash cut off finished or dropped. */
  settleRemovals(owner: (containerId: string) => 'absent' | 'removing' | 'present'): Promise<void>;
}

/**
 * The exec instances of containers (the exec service): the IDs inspect lists, and their end with the container's
 * run (never-started ones go) or with the container itself (all go), as Docker's.
 */
export interface ContainerExecs {
  /** Created or running, not yet exited (Docker's ExecIDs). */
  idsOf(containerId: string): string[];
  containerStopped(containerId: string): void;
  containerRemoved(containerId: string): void;
}

/**
 * Test-only (off unless berthd is started with BERTH_TEST_CRASH_AT): the points of a container's removal where the
 * daemon can be made to kill itself (SIGKILL), so crash tests hit a window deterministically.
 * - `removal-begun`: the removal's volume intent and 'removing' state are stored, nothing is removed yet;
 * - `record-deleted`: the record is gone, its anonymous volumes not yet.
 */
export type RemovalCrashPoint = 'removal-begun' | 'record-deleted';
