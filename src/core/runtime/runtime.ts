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
// attach()/resize() reach a running container's stdio (through its monitor); exec() runs one more process in a
// running container under a monitor of its own (see ExecProcess).
import type { ContainerRecord } from '../containers/container-record.js';
import type { PlannedMount } from '../containers/mount-specs.js';
import type { ContainerPaths } from '../containers/container-files.js';
import type { Mount } from '../snapshots/snapshotter.js';
import type { BlkioStats, CpuStats, MemoryStats, NetworkStats } from '../../spec/docker/stats.js';

/** One sample of a running container's counters, in Docker's stats shapes. */
export interface RuntimeStatsSample {
  cpu: CpuStats;
  memory: MemoryStats;
  pids: { current?: number; limit?: number };
  blkio: BlkioStats;
  /** Absent when the container shares the host's network namespace or has no interface but lo. */
  networks: Record<string, NetworkStats> | undefined;
}

/** Resource changes for a running container (`docker update`); absent fields stay as they are. */
export interface ResourceUpdate {
  memory?: number;
  memorySwap?: number;
  memoryReservation?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number;
  blkioWeight?: number;
}

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
  /** The network namespace to join (made by networking); absent: the runtime makes a private one per the mode. */
  netnsPath?: string;
  /** Namespaces of running containers to join (PidMode/IpcMode/UTSMode container:<id>). */
  namespacePaths?: { pid?: string; ipc?: string; uts?: string };
  /** With IpcMode container:<id>: the donor's id, whose /dev/shm (kept on the host side) is bound in. */
  ipcDonor?: string;
  /** Variables from the daemon (legacy links), set before the container's own Env, which wins. */
  extraEnv?: string[];
}

export type RuntimeStatus = 'running' | 'paused' | 'stopped' | 'absent';

export interface IoOptions {
  signal?: AbortSignal;
}

export interface RunOptions extends IoOptions {
  /** Runs once the process exists but before it starts: stdio attached here misses no output. */
  beforeStart?: () => Promise<void>;
  /**
   * The daemon itself waits for the process (a build step): no monitor of its own, no stdin/TTY/attach, and it
   * does not outlive the daemon; what it gains is a faster start and exit.
   */
  foreground?: boolean;
}

export interface ConsoleSize {
  height: number;
  width: number;
}

export interface StdioChunk {
  /** A TTY has one output stream: 'stdout'. */
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/**
 * One connection to a process's stdio through its monitor. `output` yields what the process writes from the
 * moment of connection and ends when the process's output ends (it exited) or close() was called.
 */
export interface StdioStream {
  readonly output: AsyncIterable<StdioChunk>;
  write(data: Buffer): void;
  /** Half-close: the process sees end of input, unless the monitor keeps its stdin open for other clients. */
  endInput(): void;
  /** Drops the connection (a detach); the process goes on. Idempotent. */
  close(): void;
}

/** One more process in a running container (docker exec). */
export interface ExecRequest {
  /** Unique per exec: names its monitor's state. */
  execId: string;
  args: string[];
  /** KEY=value, over the container's own environment. */
  env: string[];
  /** `user[:group]`, resolved in the container; '' = the container's user. */
  user: string;
  /** '' = the container's working directory. */
  workingDir: string;
  tty: boolean;
  /** Open a stdin the caller can write to (else /dev/null). */
  stdin: boolean;
  privileged: boolean;
  consoleSize?: ConsoleSize;
}

/**
 * A started exec. Its monitor outlives the daemon. `stdio` is connected before the process starts, so no output
 * is missed; `exit` settles with the exit code (128+N for signal N) after all output has been delivered.
 */
export interface ExecProcess {
  pid: number;
  stdio: StdioStream;
  exit: Promise<number>;
  resize(size: ConsoleSize): Promise<void>;
  kill(signal: number): void;
}

/** The runtime as the engine sees it; the daemon adapts the runc/conmon driver to it. */
export interface RuntimePort {
  /** Builds the bundle and starts the process under its monitor; resolves with the pid once it runs. */
  run(request: RunRequest, options?: RunOptions): Promise<{ pid: number }>;
  kill(id: string, signal: number, options?: IoOptions): Promise<void>;
  pause(id: string, options?: IoOptions): Promise<void>;
  resume(id: string, options?: IoOptions): Promise<void>;
  /** Resolves once the process has exited; at once when it already has. Rejects when the signal aborts. */
  waitExit(id: string, options?: IoOptions): Promise<ExitInfo>;
  /** True once the process has ended and its monitor recorded the exit, whether or not waitExit has settled yet. */
  hasExited(id: string, options?: IoOptions): Promise<boolean>;
  status(id: string, options?: IoOptions): Promise<{ status: RuntimeStatus; pid: number }>;
  /** Removes every runtime trace: runc state, monitor, cgroup, mounts. Idempotent. */
  delete(id: string, options?: IoOptions): Promise<void>;
  logs(record: ContainerRecord, options: LogReadOptions): AsyncIterable<LogEntry>;
  /** Signal name or number to a number, with Docker's error for bad ones. */
  parseSignal(signal: string): number;
  /** Ids of every container the runtime holds state for (running or not yet deleted). */
  list(options?: IoOptions): Promise<string[]>;
  /** Connects to a running container's stdio (needs OpenStdin for input). NotFound/FailedPrecondition when not running. */
  attach(id: string, options?: IoOptions): Promise<StdioStream>;
  /** Sets the window size of a running container's TTY. */
  resize(id: string, size: ConsoleSize, options?: IoOptions): Promise<void>;
  /** Starts a process in a running container; rejects with the runtime's wording when it cannot start. */
  exec(id: string, request: ExecRequest, options?: IoOptions): Promise<ExecProcess>;
  /** Host pids of every process in the container's cgroup (for top). */
  pids(id: string, options?: IoOptions): Promise<number[]>;
  /** One sample of the container's cgroup counters. */
  stats(id: string, options?: IoOptions): Promise<RuntimeStatsSample>;
  /** Applies new limits to a running container's cgroup (runc update). */
  update(id: string, resources: ResourceUpdate, options?: IoOptions): Promise<void>;
  /** The freezer's state of a running container: FROZEN, FREEZING or THAWED. */
  freezerState(id: string, options?: IoOptions): Promise<string>;
  /** Has the monitor reopen the log file at its path (after its owner renamed it); FailedPrecondition when not running. */
  reopenLog(id: string, options?: IoOptions): Promise<void>;
}

/** The name the design notes use. */
export type ContainerRuntime = RuntimePort;
