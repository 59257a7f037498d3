// Early writeback for a big file that will be fsynced when complete (a blob before its rename into the content
// store): every few MiB written, the kernel is asked to start writing the file's dirty pages out (one request in
// flight at a time, on a thread-pool thread), so the disk works while the rest arrives and the final fsync has
// little left. The fsync itself stays where the crash guarantee needs it. The requests go through a read-only
// descriptor of its own (writeback is per file, not per descriptor), so the writer keeps sole use of its own.
import { open, type FileHandle } from 'node:fs/promises';
import { startWriteback } from './libc.js';

/** Bytes written between two writeback requests. */
const EVERY = 8 * 1024 * 1024;

export class EarlyWriteback {
  private sinceLast = 0;
  private inFlight: Promise<unknown> | undefined;
  private handle: FileHandle | undefined;
  private closed = false;

  constructor(private readonly path: string) {}

  /** Counts `bytes` handed to the file's writer; asks for a writeback when enough have gathered and none is running. */
  wrote(bytes: number): void {
    this.sinceLast += bytes;
    if (this.closed || this.inFlight || this.sinceLast < EVERY) return;
    this.sinceLast = 0;
    this.inFlight = this.request()
      .catch(() => undefined)
      .finally(() => (this.inFlight = undefined));
  }

  /** No more requests; resolves once the one in flight is done and the descriptor closed. */
  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight;
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  private async request(): Promise<void> {
    this.handle ??= await open(this.path, 'r');
    if (!this.closed) await startWriteback(this.handle.fd);
  }
}
