// The exec records the engine keeps, in memory, and when they go, as dockerd 20.10 lets them go: with their
// container's removal (at once); the never-started ones when their container's run ends; a finished one by a sweep
// every 5 minutes that marks it (inspect shows CanRemove) and drops it at the next, so 5 to 10 minutes after its end,
// however many execs come after. The sweep's timer runs only while records exist and never keeps the process alive.
// A record whose container is gone by a path that did not tell us is not found either (Docker's inspect checks too).
import type { Clock, TimerId } from '../../lib/clock.js';
import type { ExecRecord } from './exec-record.js';

/** dockerd's execCommandGC ticker. */
export const EXEC_SWEEP_INTERVAL_MS = 5 * 60 * 1000;

export class ExecStore {
  private readonly records = new Map<string, ExecRecord>();
  private timer: TimerId | undefined;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly containerExists: (containerId: string) => boolean,
  ) {}

  add(r: ExecRecord): void {
    this.records.set(r.id, r);
    this.arm();
  }

  get(id: string): ExecRecord | undefined {
    const r = this.records.get(id);
    if (r && !this.containerExists(r.containerId)) {
      this.records.delete(id);
      return undefined;
    }
    return r;
  }

  /** Created or running, not yet exited: Docker's ExecIDs of the container. */
  liveIds(containerId: string): string[] {
    return this.select(containerId, (r) => r.exitCode === null);
  }

  runningIds(containerId: string): string[] {
    return this.select(containerId, (r) => r.running);
  }

  /**
   * The container's run ended: execs created and never started go (a later start or inspect is 404, as Docker's,
   * which unregisters what its container still holds at clean-up). Running ones stay until their exit is recorded,
   * so the client that started one still reads its exit code.
   */
  containerStopped(containerId: string): void {
    for (const id of this.select(containerId, (r) => !r.started)) this.records.delete(id);
  }

  /** The container is removed: its execs go with it. */
  containerRemoved(containerId: string): void {
    for (const id of this.select(containerId, () => true)) this.records.delete(id);
  }

  /** How many records are held (for tests and diagnostics). */
  get size(): number {
    return this.records.size;
  }

  /** One sweep: drops what the last one marked, marks what has ended since (dockerd's two-tick order). */
  sweep(): void {
    for (const [id, r] of this.records) {
      if (!this.containerExists(r.containerId)) this.records.delete(id);
      else if (r.exitCode === null) continue;
      else if (r.canRemove) this.records.delete(id);
      else r.canRemove = true;
    }
  }

  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer || this.closed || this.records.size === 0) return;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.sweep();
        this.arm();
      },
      EXEC_SWEEP_INTERVAL_MS,
      { unref: true },
    );
  }

  private select(containerId: string, keep: (r: ExecRecord) => boolean): string[] {
    return [...this.records.values()].filter((r) => r.containerId === containerId && keep(r)).map((r) => r.id);
  }
}
