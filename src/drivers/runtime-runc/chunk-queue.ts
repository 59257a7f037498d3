// Output chunks handed from a producer (socket or pipe callbacks) to one async reader, in order; the reader waits
// when the queue is empty and ends after end().
import type { StdioChunk } from '../../core/runtime/runtime.js';

export class ChunkQueue implements AsyncIterable<StdioChunk> {
  private readonly items: StdioChunk[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(chunk: StdioChunk): void {
    if (this.ended) return;
    this.items.push(chunk);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StdioChunk> {
    for (;;) {
      const next = this.items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
