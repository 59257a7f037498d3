// An in-memory RuntimePort for in-process API tests (no root, no runc): a "process" runs from run() until it is
// killed, exits with 128+signal, writes nothing; execs exit 0 at once. It makes the bundle's rootfs directory so
// that cp into a running container works through the real container-fs driver. Small on purpose: it answers
// what the API contract tests need, not a model of runc.
import { mkdir } from 'node:fs/promises';
import { conflict, notFound } from '../../src/core/errdefs.js';
import { parseSignal } from '../../src/core/runtime/signals.js';
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
} from '../../src/core/runtime/runtime.js';

interface FakeProcess {
  pid: number;
  status: RuntimeStatus;
  exit: Promise<ExitInfo>;
  exited: (info: ExitInfo) => void;
}

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

export class FakeRuntime implements RuntimePort {
  readonly processes = new Map<string, FakeProcess>();
  private nextPid = 1000;

  async run(request: RunRequest, options: RunOptions = {}): Promise<{ pid: number }> {
    const id = request.record.id;
    if (this.processes.get(id)?.status === 'running') throw conflict(`container ${id} is already running`);
    await mkdir(`${request.paths.bundleDir}/rootfs`, { recursive: true });
    let exited: (info: ExitInfo) => void = () => undefined;
    const exit = new Promise<ExitInfo>((resolve) => (exited = resolve));
    const process: FakeProcess = { pid: this.nextPid++, status: 'running', exit, exited };
    this.processes.set(id, process);
    await options.beforeStart?.();
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
    // SIGSTOP/SIGCONT and the like leave the process alone; everything else ends it.
    if ([17, 18, 19, 20, 21, 22, 23, 28].includes(signal)) return;
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
    const signal = options.signal;
    if (!signal) return p.exit;
    return new Promise<ExitInfo>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason ?? new Error('aborted'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void p.exit.then((info) => {
        signal.removeEventListener('abort', onAbort);
        resolve(info);
      });
    });
  }

  async status(id: string): Promise<{ status: RuntimeStatus; pid: number }> {
    const p = this.processes.get(id);
    return p ? { status: p.status, pid: p.status === 'stopped' ? 0 : p.pid } : { status: 'absent', pid: 0 };
  }

  async delete(id: string): Promise<void> {
    const p = this.processes.get(id);
    if (p && p.status !== 'stopped') p.exited({ exitCode: 137, oomKilled: false, finishedAt: nowRfc3339() });
    this.processes.delete(id);
  }

  async *logs(_record: unknown, _options: LogReadOptions): AsyncIterable<LogEntry> {
    return;
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
    const exit = request.args[0] === 'sleep' ? Promise.race([new Promise<number>((resolve) => (kill = (signal) => resolve(128 + signal))), container.exit.then(() => 137)]) : Promise.resolve(0);
    return { pid: this.nextPid++, stdio: fakeStdio(exit), exit, resize: async () => undefined, kill };
  }

  async pids(id: string): Promise<number[]> {
    return [this.running(id).pid];
  }

  async stats(id: string): Promise<RuntimeStatsSample> {
    this.running(id);
    return {
      cpu: { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: 0, online_cpus: 1, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
      memory: { usage: 0, limit: 0, stats: {} },
      pids: { current: 1 },
      blkio: { io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null },
      networks: undefined,
    } as RuntimeStatsSample;
  }

  async update(id: string, _resources: ResourceUpdate): Promise<void> {
    this.running(id);
  }

  async freezerState(id: string): Promise<string> {
    return this.running(id).status === 'paused' ? 'FROZEN' : 'THAWED';
  }
}
