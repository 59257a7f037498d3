// What the container service needs from elsewhere, injected by the daemon: images, files, the runtime.
import type { ImageRunConfig } from '../../core/containers/merge-config.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { PlannedMount } from '../../core/containers/mount-specs.js';
import type { Mount } from '../../core/snapshots/snapshotter.js';
import type { LogEntry } from './types.js';
import type { ContainerPaths } from '../../core/containers/container-files.js';

export type { ContainerFiles, ContainerPaths } from '../../core/containers/container-files.js';

export interface ResolvedImage {
  /** "sha256:..." config digest. */
  id: string;
  config: ImageRunConfig;
  /** Chain id of the top layer: the parent snapshot of the container's rootfs; undefined for an empty image. */
  topChainId: string | undefined;
}

export interface ImageResolver {
  /** NotFound with Docker's "No such image: x" when absent. */
  resolve(reference: string): Promise<ResolvedImage>;
  /** Image IDs the `ancestor` filter matches for a reference (empty when unknown). */
  idsFor(reference: string): string[];
}

export interface ExitInfo {
  exitCode: number;
  oomKilled: boolean;
  /** RFC 3339 nanosecond time of the exit. */
  finishedAt: string;
}

export interface RunRequest {
  record: ContainerRecord;
  paths: ContainerPaths;
  rootfs: Mount[];
  mounts: PlannedMount[];
}

export type RuntimeStatus = 'running' | 'paused' | 'stopped' | 'absent';

/** The runtime as the engine sees it; the daemon adapts the runc/conmon driver to it. */
export interface RuntimePort {
  /** Builds the bundle and starts the process under its monitor; resolves with the pid once it runs. */
  run(request: RunRequest, options?: { signal?: AbortSignal }): Promise<{ pid: number }>;
  kill(id: string, signal: number): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Resolves once the process has exited; at once when it already has. */
  waitExit(id: string): Promise<ExitInfo>;
  status(id: string): Promise<{ status: RuntimeStatus; pid: number }>;
  /** Removes every runtime trace: runc state, monitor, cgroup, mounts. Idempotent. */
  delete(id: string): Promise<void>;
  logs(record: ContainerRecord, options: { follow: boolean; sinceNano: bigint; untilNano: bigint | undefined; tail: number | undefined; stdout: boolean; stderr: boolean; signal?: AbortSignal }): AsyncIterable<LogEntry>;
  /** Signal name or number to a number, with Docker's error for bad ones. */
  parseSignal(signal: string): number;
}
