// A container's output and input as clients read and write them: logs (followed until the container stops),
// attach without stdin (the log from now on), attach with stdin (through the monitor, now or at the next start),
// and the TTY's size. Nothing here changes the container's state.
import { nowNano } from '../../lib/time.js';
import { conflict } from '../../core/errdefs.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import { isRunning } from '../../core/containers/lifecycle.js';
import type { ConsoleSize, StdioStream } from '../../core/runtime/runtime.js';
import { checkLogsReadable } from '../../core/runtime/log-drivers.js';
import type { ExitWaiters } from './exit-waiters.js';
import type { RuntimePort } from './ports.js';
import { resolveContainer } from './resolve.js';
import type { StdioAttachments } from './stdio-attachments.js';
import type { OutputFollowers } from './output-followers.js';
import type { LogEntry, LogOptions, LogStream } from './types.js';
import { logDetailsPrefix } from '../../core/runtime/log-details.js';

export interface ContainerStreamsDeps {
  store: ContainerStore;
  runtime: RuntimePort;
  /** Exits as the lifecycle records them: a follow ends when the container stops. */
  waiters: ExitWaiters;
  /** Attaches made before a start, connected by the start itself. */
  attachments: StdioAttachments;
  /** Followers of the output, ended (drained) by the end of a run before its `die`. */
  followers: OutputFollowers;
}

export class ContainerStreams {
  constructor(private readonly deps: ContainerStreamsDeps) {}

  async logs(ref: string, options: LogOptions): Promise<LogStream> {
    const c = resolveContainer(this.deps.store, ref);
    checkLogsReadable(c.hostConfig.LogConfig?.Type);
    const details = logDetailsPrefix(c.hostConfig.LogConfig?.Config, c.config.Labels, c.config.Env);
    if (!options.follow || !isRunning(c))
      return { tty: c.config.Tty ?? false, details, entries: this.deps.runtime.logs(c, { ...options, follow: false }) };
    // Follow until the container stops: then the reader drains what is left and ends.
    const stop = new AbortController();
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    void this.deps.waiters.add(c.id, 'exit', stop.signal).then(() => stop.abort());
    return {
      tty: c.config.Tty ?? false,
      details,
      entries: this.deps.followers.follow(
        c.id,
        stop,
        this.deps.runtime.logs(c, { ...options, follow: true, signal: stop.signal }),
      ),
    };
  }

  async attachOutput(
    ref: string,
    options: { stdout: boolean; stderr: boolean; logs: boolean; stream: boolean; signal?: AbortSignal },
  ): Promise<{ tty: boolean; entries: AsyncIterable<LogEntry> }> {
    const c = resolveContainer(this.deps.store, ref);
    const stop = new AbortController();
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    if (!options.stream) stop.abort();
    else void this.deps.waiters.add(c.id, 'exit', stop.signal).then(() => stop.abort());
    // The none driver keeps no logs to replay (its file is only attach's buffer).
    const since = options.logs && c.hostConfig.LogConfig?.Type !== 'none' ? 0n : nowNano();
    const entries = this.deps.runtime.logs(c, {
      stdout: options.stdout,
      stderr: options.stderr,
      follow: options.stream,
      sinceNano: since,
      untilNano: undefined,
      tail: undefined,
      signal: stop.signal,
    });
    return {
      tty: c.config.Tty ?? false,
      entries: options.stream ? this.deps.followers.follow(c.id, stop, entries) : entries,
    };
  }

  /**
   * The container's stdio, stdin included (OpenStdin containers). `connect` settles at once for a running container,
   * else at its next start; the caller can answer its client before that.
   */
  attachStdio(
    ref: string,
    options: { signal?: AbortSignal } = {},
  ): { tty: boolean; connect: Promise<StdioStream> } | undefined {
    const c = resolveContainer(this.deps.store, ref);
    if (!c.config.OpenStdin) return undefined;
    const connect =
      isRunning(c) && c.state.status !== 'restarting'
        ? this.deps.runtime.attach(c.id, options)
        : this.deps.attachments.waitForStart(c.id, options.signal);
    connect.catch(() => undefined);
    return { tty: c.config.Tty ?? false, connect };
  }

  async resize(ref: string, size: ConsoleSize): Promise<void> {
    const c = resolveContainer(this.deps.store, ref);
    if (c.state.status !== 'running' && c.state.status !== 'paused') throw conflict(`Container ${c.id} is not running`);
    if (!c.config.Tty) return;
    await this.deps.runtime.resize(c.id, size);
  }
}
