// Buffer sizes for bulk data (layer blobs, tar streams): Node's defaults (16 KiB for zlib and write streams,
// 64 KiB for file reads) mean one callback, one promise and one thread-pool trip per few KiB, which for a
// 200 MiB pull was more CPU than hashing and inflating together. Larger chunks cost a little memory per
// stream in flight and nothing in correctness.
import { Transform, type TransformCallback } from 'node:stream';
export const BULK_CHUNK = 1024 * 1024;
/** zlib's output buffer: large enough that inflating is not dominated by its per-chunk callbacks. */
export const INFLATE_CHUNK = 256 * 1024;

/**
 * Gathers small chunks (a socket's reads, 16-64 KiB) into chunks of about `size` bytes, so what follows (zlib,
 * hashing, file writes) pays its per-chunk cost once per MiB; a chunk already that large passes untouched.
 */
export class CoalescingStream extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly size = BULK_CHUNK) {
    super({ readableHighWaterMark: size, writableHighWaterMark: size });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.size) this.release();
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pendingBytes > 0) this.release();
    done();
  }

  private release(): void {
    const out = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.push(out);
  }
}
