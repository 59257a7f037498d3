// The container runtime as the engine sees it. Lifecycle of one container:
//   run()      builds the bundle (config.json with Docker's defaults), starts the process under its own
//              monitor (conmon), which outlives the daemon; resolves with the pid once it runs, or rejects
//              with runc's wording ("executable file not found in $PATH" -> 127, "permission denied" -> 126)
//              after removing whatever it made.
//   kill/pause/resume while it runs; status() at any time ("absent" once deleted or never made).
//   waitExit() settles when the process has exited, at once if it already has, also in a new daemon after a
//              restart (the monitor recorded the exit while nobody watched): this is how the engine re-attaches.
//   delete()   removes every trace (process, monitor, cgroup, rootfs mount, state); idempotent.
// list() names the containers the runtime holds state for, so a new daemon can find orphans.
import type { ContainerRecord } from '../containers/container-record.js';
import type { PlannedMount } from '../containers/mount-specs.js';
import type { ContainerPaths } from '../containers/container-files.js';
import type { Mount } from '../snapshots/snapshotter.js';

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  /** RFC 3339 nanosecond timestamp of the line. */
  time: string;
  /** The bytes written, newline included when the program wrote one. */
  data: Buffer;
}

export interface LogReadOptions {
  follow: boolean;
  sinceNano: bigint;
  untilNano: bigint | undefined;
  tail: number | undefined;
  stdout: boolean;
  stderr: boolean;
  /** Following stops when this aborts, after what the file holds by then has been read. */
  signal?: AbortSignal;
}

/** What the monitor records when the process ends. */
export interface ExitInfo {
  /** The process's own code, or 128+N when signal N killed it. */
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

export interface IoOptions {
  signal?: AbortSignal;
}

/** The runtime as the engine sees it; the daemon adapts the runc/conmon driver to it. */
export interface RuntimePort {
  /** Builds the bundle and starts the process under its monitor; resolves with the pid once it runs. */
  run(request: RunRequest, options?: IoOptions): Promise<{ pid: number }>;
  kill(id: string, signal: number, options?: IoOptions): Promise<void>;
  pause(id: string, options?: IoOptions): Promise<void>;
  resume(id: string, options?: IoOptions): Promise<void>;
  /** Resolves once the process has exited; at once when it already has. Rejects when the signal aborts. */
  waitExit(id: string, options?: IoOptions): Promise<ExitInfo>;
  status(id: string, options?: IoOptions): Promise<{ status: RuntimeStatus; pid: number }>;
  /** Removes every runtime trace: runc state, monitor, cgroup, mounts. Idempotent. */
  delete(id: string, options?: IoOptions): Promise<void>;
  logs(record: ContainerRecord, options: LogReadOptions): AsyncIterable<LogEntry>;
  /** Signal name or number to a number, with Docker's error for bad ones. */
  parseSignal(signal: string): number;
  /** Ids of every container the runtime holds state for (running or not yet deleted). */
  list(options?: IoOptions): Promise<string[]>;
}

/** The name the design notes use. */
export type ContainerRuntime = RuntimePort;
