// An async iterable fed by push(): the request side of a client-streaming or bidi gRPC call.
export class PushQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private readonly drainWaiters: { max: number; wake: () => void }[] = [];

  /** Settles once at most `max` items wait to be sent (a producer's backpressure). */
  drained(max: number): Promise<void> {
    if (this.items.length <= max || this.ended) return Promise.resolve();
    return new Promise((wake) => this.drainWaiters.push({ max, wake }));
  }

  private wakeDrained(): void {
    for (let i = this.drainWaiters.length - 1; i >= 0; i--) {
      const w = this.drainWaiters[i] as { max: number; wake: () => void };
      if (this.items.length <= w.max || this.ended) {
        this.drainWaiters.splice(i, 1);
        w.wake();
      }
    }
  }

  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
    this.wakeDrained();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const next = this.items.shift();
      if (next !== undefined) {
        this.wakeDrained();
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
