// The container service's surface as the API sees it.
import type {
  ContainerCreateRequest,
  ContainerWaitResponse,
  NetworkSettings,
  Port,
} from '../../spec/docker/containers.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';

export interface ContainerView {
  record: ContainerRecord;
  /** Present when sizes were asked for. */
  size?: { rw: number; rootFs: number };
  /** From networking, when the daemon has it. */
  network?: NetworkSettings;
  ports?: Port[];
  /** List only: the image as `ps` shows it (the reference it was created from, or the image ID once the reference
   * names another image or none). */
  image?: string;
  /** Inspect only: its exec instances created or running (Docker's ExecIDs); absent when none. */
  execIds?: string[];
}

export type { LogEntry } from '../../core/runtime/runtime.js';
import type { ConsoleSize, LogEntry, StdioStream } from '../../core/runtime/runtime.js';

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  /** Nanoseconds since the epoch; 0 = from the start. */
  sinceNano: bigint;
  untilNano: bigint | undefined;
  /** Last N lines; undefined = all. */
  tail: number | undefined;
  signal?: AbortSignal;
}

/** A container's log as read: whether it has a TTY, what `--details` puts before each line, the entries. */
export interface LogStream {
  tty: boolean;
  details?: string;
  entries: AsyncIterable<LogEntry>;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface ListOptions {
  all: boolean;
  limit: number | undefined;
  size: boolean;
  filters: Map<string, string[]>;
}

export interface ContainersApi {
  /** `forPod`: made by berth's CRI, which alone may set the io.berth.cri.* labels (refused otherwise). */
  create(
    request: ContainerCreateRequest,
    name: string | undefined,
    options?: { signal?: AbortSignal; forPod?: boolean },
  ): Promise<{ id: string; warnings: string[] }>;
  /** Resolves true when started, false when it was already running (304). */
  /** `foreground`: the daemon runs and waits for the process itself (RunOptions.foreground; build steps). */
  start(ref: string, options?: { signal?: AbortSignal; foreground?: boolean }): Promise<boolean>;
  /** Resolves false when it was not running (304). */
  stop(ref: string, options: { timeoutSeconds?: number; signal?: string }): Promise<boolean>;
  restart(ref: string, options: { timeoutSeconds?: number; signal?: string }): Promise<void>;
  kill(ref: string, signal: string | undefined): Promise<void>;
  /** Settles once the condition holds; `ready` resolves as soon as the wait is registered. */
  wait(
    ref: string,
    condition: WaitCondition,
    options?: { signal?: AbortSignal },
  ): { ready: Promise<void>; result: Promise<ContainerWaitResponse> };
  remove(ref: string, options: { force: boolean; volumes: boolean }): Promise<void>;
  list(options: ListOptions): Promise<ContainerView[]>;
  inspect(ref: string, options: { size: boolean }): Promise<ContainerView>;
  logs(ref: string, options: LogOptions): Promise<LogStream>;
  /**
   * Output from now until the container stops (attach without stdin); `logs` replays what was written before.
   * Announced as an `attach` event (as Docker's), unless `replayOfStdioAttach`: the replay of an attachStdio's logs.
   */
  attachOutput(
    ref: string,
    options: {
      stdout: boolean;
      stderr: boolean;
      logs: boolean;
      stream: boolean;
      signal?: AbortSignal;
      replayOfStdioAttach?: boolean;
    },
  ): Promise<{ tty: boolean; entries: AsyncIterable<LogEntry> }>;
  /**
   * stdin and output through the container's monitor; `connect` settles when running (at once, or at the next start).
   * Undefined when the container has no stdin (not OpenStdin): attach its output with attachOutput. Announced as an
   * `attach` event.
   */
  attachStdio(
    ref: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ tty: boolean; connect: Promise<StdioStream> } | undefined>;
  /** The TTY's window size; Conflict when not running. */
  resize(ref: string, size: ConsoleSize): Promise<void>;
  rename(ref: string, newName: string): Promise<void>;
  prune(filters: Map<string, string[]>): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }>;
}
