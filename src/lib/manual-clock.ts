// A Clock that moves only when a test says so: timers fire in due order inside advance(), each followed by a
// turn of the event loop so that the work it starts can reach its next await.
import { timestampOf, type Clock, type TimerId } from './clock.js';

interface Pending {
  id: TimerId;
  due: number;
  seq: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  private current: number;
  private readonly pending = new Map<TimerId, Pending>();
  private seq = 0;

  private readonly armedWaiters: ((delayMs: number) => void)[] = [];

  /** Starts at the real time, so that times the engine stores (startedAt) and this clock agree. */
  constructor(start = Date.now()) {
    this.current = start;
  }

  /** Settles with its delay when the next timer is armed. */
  nextTimer(): Promise<number> {
    return new Promise((resolve) => this.armedWaiters.push(resolve));
  }

  now(): number {
    return this.current;
  }

  timestamp(): string {
    return timestampOf(this.current);
  }

  setTimeout(fn: () => void, ms: number): TimerId {
    const id: TimerId = { timer: ++this.seq };
    this.pending.set(id, { id, due: this.current + Math.max(0, ms), seq: this.seq, fn });
    for (const resolve of this.armedWaiters.splice(0)) resolve(ms);
    return id;
  }

  clearTimeout(id: TimerId | undefined): void {
    if (id) this.pending.delete(id);
  }

  /** Delays (from now) of the timers not yet fired, soonest first. */
  delays(): number[] {
    return [...this.pending.values()].map((p) => p.due - this.current).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (also ones armed meanwhile). */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      const next = [...this.pending.values()]
        .filter((p) => p.due <= end)
        .sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.pending.delete(next.id);
      this.current = next.due;
      next.fn();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.current = end;
  }
}
