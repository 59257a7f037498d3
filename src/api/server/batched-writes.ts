// Many small writes to a streaming response (one frame a log line) gathered into one write per turn of the event
// loop, or per 64 KiB: a 100 MB log is a million frames, and a write each cost more than the reading and framing.
// Frames stay as they are (one per line, as Docker sends them: clients such as docker-py's logs(stream=True) hand
// them out one by one); only the socket writes are fewer. Data is never held back while the source waits: the
// flush runs as soon as the event loop turns, which is when a follower's source is waiting for more.
import { once } from 'node:events';
import type { Writable } from 'node:stream';

const BATCH_BYTES = 64 * 1024;

export class BatchedWrites {
  private parts: Buffer[] = [];
  private size = 0;
  private scheduled = false;

  constructor(private readonly out: Writable) {}

  /**
   * Queues `chunk`. Undefined when the caller may go on at once; a promise, to wait on, when a full batch went out
   * (it resolves once the response has room again). Not async: an await per frame is a million for a 100 MB log.
   */
  write(chunk: Buffer): Promise<void> | undefined {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= BATCH_BYTES) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
    return undefined;
  }

  /** Writes what is queued; resolves when the response can take more (or is gone). */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const data = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    if (this.out.destroyed || this.out.write(data)) return;
    await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]).catch(() => undefined);
  }
}
