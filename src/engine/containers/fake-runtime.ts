// An in-memory RuntimePort for tests without root or runc (the lifecycle unit tests, the in-process API tests).
// A "process" runs from run() until the test ends it (exit()) or a signal does (128+signal; a signal the test
// made it ignore leaves it running, as a program that traps SIGTERM); it writes nothing; execs exit 0 at once
// (`sleep` runs until killed). Deterministic: nothing happens by itself, and tests can wait for a run or a
// signal. daemonRestarted() plays a daemon that died: its exit watches never hear back, while processes go on
// and their exits reach the next daemon's watches, as conmon's exit files do. run() makes the bundle's rootfs
// directory so that cp into a running container works through the real container-fs driver.
import { mkdir } from 'node:fs/promises';
import { conflict, notFound } from '../../core/errdefs.js';
import { emptyBlkioStats, emptyCpuStats } from '../../core/runtime/empty-stats.js';
import { parseSignal } from '../../core/runtime/signals.js';
import type {
  ConsoleSize,
  ExecProcess,
  ExecRequest,
  ExitInfo,
  IoOptions,
  LogEntry,
  LogReadOptions,
  ResourceUpdate,
  RunOptions,
  RunRequest,
  RuntimePort,
  RuntimeStatsSample,
  RuntimeStatus,
  StdioChunk,
  StdioStream,
} from '../../core/runtime/runtime.js';

interface FakeProcess {
  pid: number;
  status: RuntimeStatus;
  exit: Promise<ExitInfo>;
  exited: (info: ExitInfo) => void;
}

/** Signals that stop, continue or merely inform a process: they never end it. */
const HARMLESS_SIGNALS = new Set([17, 18, 19, 20, 21, 22, 23, 28]);

const nowRfc3339 = (): string => new Date().toISOString().replace('Z', '000000Z');

/** A stdio connection whose output ends when `ended` settles or close() is called. */
function fakeStdio(ended: Promise<unknown>): StdioStream {
  let close: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (close = resolve));
  async function* output(): AsyncGenerator<StdioChunk> {
    await Promise.race([ended, closed]);
  }
  return { output: output(), write: () => undefined, endInput: () => undefined, close };
}

/** One-shot waiters keyed by container id. */
class Waiters<T> {
  private readonly waiting = new Map<string, ((value: T) => void)[]>();
  next(id: string): Promise<T> {
    return new Promise<T>((resolve) => this.waiting.set(id, [...(this.waiting.get(id) ?? []), resolve]));
  }
  fire(id: string, value: T): void {
    const list = this.waiting.get(id) ?? [];
    this.waiting.delete(id);
    for (const resolve of list) resolve(value);
  }
}

export class FakeRuntime implements RuntimePort {
  readonly processes = new Map<string, FakeProcess>();
  /** Every signal sent, in order. */
  readonly signals: { id: string; signal: number }[] = [];
  /** How many times each container's process was started. */
  readonly runs = new Map<string, number>();
  private readonly ignoring = new Map<string, Set<number>>();
  private readonly failures = new Map<string, Error>();
  private readonly runWaiters = new Waiters<number>();
  private readonly signalWaiters = new Waiters<number>();
  /** Bumped by daemonRestarted(): exit watches of an earlier generation never settle. */
  private generation = 0;
  private nextPid = 1000;

  // --- what a test controls ---

  /** The container's process ends by itself with this code (as conmon records it). */
  exit(id: string, exitCode: number, options: { oomKilled?: boolean } = {}): void {
    const p = this.running(id);
    p.status = 'stopped';
    p.exited({ exitCode, oomKilled: options.oomKilled ?? false, finishedAt: nowRfc3339() });
  }

  /** The container's process survives this signal from now on (a program that traps SIGTERM). */
  ignoreSignal(id: string, signal: number): void {
    this.ignoring.set(id, new Set([...(this.ignoring.get(id) ?? []), signal]));
  }

  /** The next run() of this container rejects with `error` (a typed start error, say) after cleaning up. */
  failNextRun(id: string, error: Error): void {
    this.failures.set(id, error);
  }

  /** Settles with the pid when the container's process next starts. */
  nextRun(id: string): Promise<number> {
    return this.runWaiters.next(id);
  }

  /** Settles with the signal when the container's process is next signalled. */
  nextSignal(id: string): Promise<number> {
    return this.signalWaiters.next(id);
  }

  /** The daemon died: the exit watches it had never settle; processes and their exits live on for the next. */
  daemonRestarted(): void {
    this.generation++;
  }

  // --- RuntimePort ---

  async run(request: RunRequest, options: RunOptions = {}): Promise<{ pid: number }> {
    const id = request.record.id;
    if (this.processes.get(id)?.status === 'running') throw conflict(`container ${id} is already running`);
    const failure = this.failures.get(id);
    if (failure) {
      this.failures.delete(id);
      throw failure;
    }
    await mkdir(`${request.paths.bundleDir}/rootfs`, { recursive: true });
    let exited: (info: ExitInfo) => void = () => undefined;
    const exit = new Promise<ExitInfo>((resolve) => (exited = resolve));
    const process: FakeProcess = { pid: this.nextPid++, status: 'running', exit, exited };
    this.processes.set(id, process);
    this.runs.set(id, (this.runs.get(id) ?? 0) + 1);
    await options.beforeStart?.();
    this.runWaiters.fire(id, process.pid);
    return { pid: process.pid };
  }

  private get(id: string): FakeProcess {
    const p = this.processes.get(id);
    if (!p) throw notFound(`container ${id} does not exist in the runtime`);
    return p;
  }

  private running(id: string): FakeProcess {
    const p = this.get(id);
    if (p.status !== 'running' && p.status !== 'paused') throw conflict(`container ${id} is not running`);
    return p;
  }

  async kill(id: string, signal: number): Promise<void> {
    const p = this.running(id);
    this.signals.push({ id, signal });
    this.signalWaiters.fire(id, signal);
    if (HARMLESS_SIGNALS.has(signal) || (signal !== 9 && this.ignoring.get(id)?.has(signal))) return;
    p.status = 'stopped';
    p.exited({ exitCode: 128 + signal, oomKilled: false, finishedAt: nowRfc3339() });
  }

  async pause(id: string): Promise<void> {
    this.running(id).status = 'paused';
  }

  async resume(id: string): Promise<void> {
    this.running(id).status = 'running';
  }

  async waitExit(id: string, options: IoOptions = {}): Promise<ExitInfo> {
    const p = this.get(id);
    const generation = this.generation;
    const exit = p.exit.then((info) =>
      generation === this.generation ? info : new Promise<ExitInfo>(() => undefined),
    );
    const signal = options.signal;
    if (!signal) return exit;
    return new Promise<ExitInfo>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason ?? new Error('aborted'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void exit.then((info) => {
        signal.removeEventListener('abort', onAbort);
        resolve(info);
      });
    });
  }

  async hasExited(id: string): Promise<boolean> {
    return this.processes.get(id)?.status === 'stopped';
  }

  async status(id: string): Promise<{ status: RuntimeStatus; pid: number }> {
    const p = this.processes.get(id);
    return p ? { status: p.status, pid: p.status === 'stopped' ? 0 : p.pid } : { status: 'absent', pid: 0 };
  }

  async delete(id: string): Promise<void> {
    const p = this.processes.get(id);
    if (p && p.status !== 'stopped') p.exited({ exitCode: 137, oomKilled: false, finishedAt: nowRfc3339() });
    this.processes.delete(id);
    this.ignoring.delete(id);
  }

  /** No output; a follow lasts until its reader is stopped, as the real one's. */
  async *logs(_record: unknown, options: LogReadOptions): AsyncIterable<LogEntry> {
    const signal = options.follow ? options.signal : undefined;
    if (signal && !signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve));
  }

  parseSignal(signal: string): number {
    return parseSignal(signal);
  }

  async list(): Promise<string[]> {
    return [...this.processes.keys()];
  }

  async attach(id: string): Promise<StdioStream> {
    return fakeStdio(this.running(id).exit);
  }

  async resize(id: string, _size: ConsoleSize): Promise<void> {
    this.running(id);
  }

  /** Execs exit 0 at once, except `sleep`, which runs until killed (128+signal) or the container goes. */
  async exec(id: string, request: ExecRequest): Promise<ExecProcess> {
    const container = this.running(id);
    let kill: (signal: number) => void = () => undefined;
    const exit =
      request.args[0] === 'sleep'
        ? Promise.race([
            new Promise<number>((resolve) => (kill = (signal) => resolve(128 + signal))),
            container.exit.then(() => 137),
          ])
        : Promise.resolve(0);
    return { pid: this.nextPid++, stdio: fakeStdio(exit), exit, resize: async () => undefined, kill };
  }

  async pids(id: string): Promise<number[]> {
    return [this.running(id).pid];
  }

  async stats(id: string): Promise<RuntimeStatsSample> {
    this.running(id);
    return {
      cpu: { ...emptyCpuStats(), system_cpu_usage: 0, online_cpus: 1 },
      memory: { usage: 0, limit: 0, stats: {} },
      pids: { current: 1 },
      blkio: emptyBlkioStats(),
      networks: undefined,
    } as RuntimeStatsSample;
  }

  async update(id: string, _resources: ResourceUpdate): Promise<void> {
    this.running(id);
  }

  async freezerState(id: string): Promise<string> {
    return this.running(id).status === 'paused' ? 'FROZEN' : 'THAWED';
  }

  async reopenLog(id: string): Promise<void> {
    this.running(id);
  }
}
