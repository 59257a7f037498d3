// docker exec: create an instance, start it once (attached or detached), inspect it, resize its TTY. State lives in
// memory, as Docker's, in an ExecStore (exec-store.ts: when records go). The process runs under its own monitor (RuntimePort.exec); its exit code is recorded
// before the caller's stream is closed, so an inspect right after the stream ends sees ExitCode and Running=false.
// runProbe() is the daemon's own use (health checks): run, capture output up to a limit, time out.
import type { Logger } from '../../lib/logger.js';
import { generateId } from '../../lib/ids.js';
import { conflict, invalidArgument, isEngineError, notFound } from '../../core/errdefs.js';
import type { EventPublisher } from '../../core/events/event.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import type { ConsoleSize, RuntimePort, StdioChunk, StdioStream } from '../../core/runtime/runtime.js';
import type { ExecCreateRequest, ExecInspectResponse } from '../../spec/docker/exec.js';
import { resolveContainer } from '../containers/resolve.js';
import { toExecInspect, type ExecRecord } from './exec-record.js';
import { timedPhases } from '../../lib/phases.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { ExecStore } from './exec-store.js';

export interface ExecServiceDeps {
  store: ContainerStore;
  runtime: RuntimePort;
  events: EventPublisher;
  logger: Logger;
  /** Times exits and the sweep of finished records; absent: the real clock. */
  clock?: Clock;
}

/** A started exec as its caller drives it. */
export interface ExecSession {
  tty: boolean;
  stdio: StdioStream;
  /** Settles with the exit code once it is recorded (inspect shows it). */
  exited: Promise<number>;
  /** Ends the process (the client went away). */
  kill(): void;
  /**
   * The client typed the detach keys on a TTY exec. Docker 20.10 takes that as a failed attach: the exec ends with
   * exit code 126 and its streams are closed, which hangs up the process on its TTY (SIGHUP here).
   */
  detached(): void;
}

export interface ProbeResult {
  exitCode: number;
  /** stdout and stderr interleaved, cut at maxOutputBytes. */
  output: string;
  timedOut: boolean;
}

/** Docker's exit code for an exec whose process could not be started. */
export const EXEC_START_FAILED = 126;
const SIGKILL = 9;
const SIGHUP = 1;

export class ExecService {
  private readonly execs: ExecStore;
  private readonly clock: Clock;

  constructor(private readonly deps: ExecServiceDeps) {
    this.clock = deps.clock ?? systemClock;
    this.execs = new ExecStore(this.clock, (id) => deps.store.get(id) !== undefined);
  }

  private runningContainer(ref: string): ContainerRecord {
    const c = resolveContainer(this.deps.store, ref);
    // dockerd 20.10's words: the paused container named as the client gave it, the others by their full ID.
    if (c.state.status === 'paused') throw conflict(`Container ${ref} is paused, unpause the container before exec`);
    if (c.state.status === 'restarting')
      throw conflict(`Container ${c.id} is restarting, wait until the container is running`);
    if (c.state.status !== 'running') throw conflict(`Container ${c.id} is not running`);
    return c;
  }

  private publish(r: ExecRecord, action: string, extra: Record<string, string> = {}): void {
    const c = this.deps.store.get(r.containerId);
    if (!c) return;
    this.deps.events.publish({
      type: 'container',
      action,
      actor: {
        id: c.id,
        attributes: { ...(c.config.Labels ?? {}), image: c.image, name: c.name, execID: r.id, ...extra },
      },
    });
  }

  create(containerRef: string, request: ExecCreateRequest): { id: string } {
    const c = this.runningContainer(containerRef);
    const cmd = request.Cmd ?? [];
    if (cmd.length === 0) throw invalidArgument('No exec command specified');
    const size = request.ConsoleSize;
    const r: ExecRecord = {
      id: generateId(),
      containerId: c.id,
      cmd,
      env: request.Env ?? [],
      user: request.User ?? '',
      workingDir: request.WorkingDir ?? '',
      tty: request.Tty ?? false,
      attachStdin: request.AttachStdin ?? false,
      attachStdout: request.AttachStdout ?? false,
      attachStderr: request.AttachStderr ?? false,
      privileged: request.Privileged ?? false,
      detachKeys: request.DetachKeys ?? '',
      consoleSize: size && size[0] > 0 && size[1] > 0 ? { height: size[0], width: size[1] } : undefined,
      running: false,
      started: false,
      exitCode: null,
      pid: 0,
      exitedAt: undefined,
      canRemove: false,
      process: undefined,
      pendingSize: undefined,
    };
    if (r.workingDir && !r.workingDir.startsWith('/'))
      throw invalidArgument(`the working directory '${r.workingDir}' is invalid, it needs to be an absolute path`);
    this.execs.add(r);
    this.publish(r, `exec_create: ${cmd.join(' ')}`);
    return { id: r.id };
  }

  private get(id: string): ExecRecord {
    const r = this.execs.get(id);
    if (!r) throw notFound(`No such exec instance: ${id}`);
    return r;
  }

  inspect(id: string): ExecInspectResponse {
    return toExecInspect(this.get(id));
  }

  /** The exec's settings, for the API to decide how to stream before it starts. */
  settings(id: string): {
    tty: boolean;
    attachStdin: boolean;
    attachStdout: boolean;
    attachStderr: boolean;
    detachKeys: string;
  } {
    const r = this.get(id);
    return {
      tty: r.tty,
      attachStdin: r.attachStdin,
      attachStdout: r.attachStdout,
      attachStderr: r.attachStderr,
      detachKeys: r.detachKeys,
    };
  }

  /**
   * Throws what start() would before it runs anything: NotFound, or Conflict when the exec already ran or its
   * container is not running. The API asks before it answers with a stream, so these stay plain HTTP errors.
   */
  assertStartable(id: string): void {
    this.startable(id);
  }

  private startable(id: string): ExecRecord {
    const r = this.get(id);
    if (r.running) throw conflict(`Error: Exec command ${r.id} is already running`);
    if (r.started) throw conflict(`Error: Exec command ${r.id} has already run`);
    this.runningContainer(r.containerId);
    return r;
  }

  /**
   * Starts the exec. Rejects (409) when it already ran or the container stopped; when the process cannot start the
   * exec ends with code 126 and the error says why (runc's words).
   */
  async start(
    id: string,
    options: { detach?: boolean; consoleSize?: ConsoleSize; signal?: AbortSignal } = {},
  ): Promise<ExecSession> {
    const r = this.startable(id);
    r.started = true;
    r.running = true;
    // A size held from a resize before the start is the TTY's size from the outset.
    const held = r.pendingSize;
    r.pendingSize = undefined;
    let proc;
    try {
      proc = await timedPhases(this.deps.logger, 'exec-start', { container: r.containerId, exec: r.id }, () =>
        this.deps.runtime.exec(
          r.containerId,
          {
            execId: r.id,
            args: r.cmd,
            env: r.env,
            user: r.user,
            workingDir: r.workingDir,
            tty: r.tty,
            stdin: r.attachStdin && !options.detach,
            privileged: r.privileged,
            consoleSize: options.consoleSize ?? held ?? r.consoleSize,
          },
          { signal: options.signal },
        ),
      );
    } catch (err) {
      r.running = false;
      r.exitCode = EXEC_START_FAILED;
      r.exitedAt = this.clock.now();
      throw isEngineError(err) && err.kind !== 'Internal' ? err : invalidArgument((err as Error).message, err);
    }
    r.process = proc;
    r.pid = proc.pid;
    // A resize that came while the process was being started is applied now that its TTY exists.
    const late = r.pendingSize;
    r.pendingSize = undefined;
    if (late && r.tty) await proc.resize(late).catch(() => undefined);
    this.publish(r, `exec_start: ${r.cmd.join(' ')}`);
    const exited = proc.exit
      .then(
        (code) => code,
        () => -1,
      )
      .then((code) => {
        r.exitCode ??= code; // a detach already recorded Docker's 126
        r.running = false;
        r.pid = 0;
        r.exitedAt = this.clock.now();
        r.process = undefined;
        this.publish(r, 'exec_die', { exitCode: String(code) });
        return code;
      });
    if (options.detach) proc.stdio.close();
    const detached = (): void => {
      if (!r.running) return;
      r.running = false;
      r.exitCode = EXEC_START_FAILED;
      r.exitedAt = this.clock.now();
      proc.stdio.close();
      proc.kill(SIGHUP);
    };
    return { tty: r.tty, stdio: proc.stdio, exited, kill: () => proc.kill(SIGKILL), detached };
  }

  /**
   * Resizes the exec's TTY. Sent before the process exists (a client that resizes as soon as the start's response
   * head arrives, which comes before the process runs), the size is held and applied once the TTY exists: Docker
   * waits for the start instead (up to 10 s, then 500); the size ends up the same, and nothing hangs.
   */
  async resize(id: string, size: ConsoleSize): Promise<void> {
    const r = this.get(id);
    if (!r.process && r.exitedAt === undefined) {
      r.pendingSize = size;
      return;
    }
    if (!r.process) throw conflict(`Exec ${r.id} is not running`);
    if (!r.tty) return;
    await r.process.resize(size);
  }

  /**
   * Runs a command in a running container and captures its output (stdout and stderr, up to maxOutputBytes),
   * killing it after timeoutMs. For the daemon's own checks (health probes); no exec record is kept.
   */
  async runProbe(
    containerRef: string,
    cmd: string[],
    options: { timeoutMs: number; maxOutputBytes?: number; env?: string[]; user?: string; signal?: AbortSignal },
  ): Promise<ProbeResult> {
    const r = await this.runSync(containerRef, cmd, { ...options, maxOutputBytes: options.maxOutputBytes ?? 4096 });
    return { exitCode: r.exitCode, output: r.output.toString('utf8'), timedOut: r.timedOut };
  }

  /**
   * Runs a command to its end and captures its output, interleaved and per stream, each up to maxOutputBytes
   * (health probes; the CRI's ExecSync), killed after timeoutMs when given. No exec record is kept.
   */
  async runSync(
    containerRef: string,
    cmd: string[],
    options: { timeoutMs?: number; maxOutputBytes?: number; env?: string[]; user?: string; signal?: AbortSignal },
  ): Promise<{ exitCode: number; output: Buffer; stdout: Buffer; stderr: Buffer; timedOut: boolean }> {
    const c = this.runningContainer(containerRef);
    if (cmd.length === 0) throw invalidArgument('No exec command specified');
    const limit = options.maxOutputBytes ?? 16 * 1024 * 1024;
    const proc = await this.deps.runtime.exec(
      c.id,
      {
        execId: generateId(),
        args: cmd,
        env: options.env ?? [],
        user: options.user ?? '',
        workingDir: '',
        tty: false,
        stdin: false,
        privileged: false,
      },
      { signal: options.signal },
    );
    // Cancelled while the process was being started: it goes now (the abort listener below comes too late for it).
    if (options.signal?.aborted) proc.kill(SIGKILL);
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          proc.kill(SIGKILL);
        }, options.timeoutMs)
      : undefined;
    const onAbort = (): void => proc.kill(SIGKILL);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const { output, stdout, stderr } = await collect(proc.stdio.output, limit);
      const exitCode = await proc.exit;
      return { exitCode, output, stdout, stderr, timedOut };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      proc.stdio.close();
    }
  }

  /** Execs still running in a container (for diagnostics and tests). */
  running(containerId: string): string[] {
    return this.execs.runningIds(containerId);
  }

  /** The container's execs created or running, not yet exited: Docker's ExecIDs in its inspect. */
  idsOf(containerId: string): string[] {
    return this.execs.liveIds(containerId);
  }

  /** The container's run ended (its exit is recorded): execs never started go, as Docker's. */
  containerStopped(containerId: string): void {
    this.execs.containerStopped(containerId);
  }

  /** The container is removed: its execs go with it (their inspect is 404 "No such exec instance"). */
  containerRemoved(containerId: string): void {
    this.execs.containerRemoved(containerId);
  }

  /** Stops the sweep's timer (daemon shutdown). */
  close(): void {
    this.execs.close();
  }
}

async function collect(
  output: AsyncIterable<StdioChunk>,
  limit: number,
): Promise<{ output: Buffer; stdout: Buffer; stderr: Buffer }> {
  const all: Buffer[] = [];
  const byStream: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  const sizes = { all: 0, stdout: 0, stderr: 0 };
  for await (const chunk of output) {
    if (sizes.all < limit) {
      const take = chunk.data.subarray(0, limit - sizes.all);
      all.push(take);
      sizes.all += take.length;
    }
    if (sizes[chunk.stream] < limit) {
      const take = chunk.data.subarray(0, limit - sizes[chunk.stream]);
      byStream[chunk.stream].push(take);
      sizes[chunk.stream] += take.length;
    }
  }
  return { output: Buffer.concat(all), stdout: Buffer.concat(byStream.stdout), stderr: Buffer.concat(byStream.stderr) };
}
