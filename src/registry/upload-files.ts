// Upload sessions' staging files: `<root>/uploads/<id>`, appended chunk by chunk. A session's committed
// offset is its file's size. Nothing here is visible as a blob: finishing an upload hands the file to the
// content store (commitFile), which checks its digest and alone makes a blob appear, by rename.
// The sha256 of each session is kept running in memory as chunks are written, so finishing a big upload
// need not read the file back to hash it; a session whose bytes did not all pass through this process (a
// failed chunk, a daemon restart) has none, and is hashed from its file as before. The kernel is asked to start
// writing a session's file out while its chunks arrive (EarlyWriteback), so the fsync at the finish is short.
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { registryError } from './errors.js';
import { BULK_CHUNK, CoalescingStream } from '../lib/bulk-io.js';
import { EarlyWriteback } from '../lib/early-writeback.js';
import type { Digest } from '../lib/digest.js';

class ByteCounter extends Transform {
  bytes = 0;
  constructor(
    private readonly hash: Hash | undefined,
    private readonly writeback: EarlyWriteback,
  ) {
    super({ readableHighWaterMark: BULK_CHUNK, writableHighWaterMark: BULK_CHUNK });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    this.writeback.wrote(chunk.length);
    done(null, chunk);
  }
}

interface RunningDigest {
  hash: Hash;
  bytes: number;
}

export class UploadFiles {
  private readonly running = new Map<string, RunningDigest>();

  constructor(private readonly dir: string) {}

  path(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`bad upload id ${id}`);
    return join(this.dir, id);
  }

  async create(id: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(this.path(id), '', { flag: 'wx' });
    this.running.set(id, { hash: createHash('sha256'), bytes: 0 });
  }

  /** The bytes received; BLOB_UPLOAD_UNKNOWN when the staging file is gone (finished, or crashed while finishing). */
  async size(id: string): Promise<number> {
    try {
      return (await stat(this.path(id))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw registryError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { uuid: id });
      throw err;
    }
  }

  /** Appends a body; returns the bytes written. */
  async append(id: string, body: NodeJS.ReadableStream, options: { signal?: AbortSignal } = {}): Promise<number> {
    const running = this.running.get(id);
    // The file is fsynced when the upload finishes: its writeback starts while the body still arrives.
    const writeback = new EarlyWriteback(this.path(id));
    const counter = new ByteCounter(running?.hash, writeback);
    try {
      // The socket's 64 KiB reads gathered into 1 MiB: one hash update and one file write per MiB.
      await pipeline(
        body,
        new CoalescingStream(),
        counter,
        createWriteStream(this.path(id), { flags: 'a', highWaterMark: BULK_CHUNK }),
        {
          signal: options.signal,
        },
      );
    } catch (err) {
      this.running.delete(id); // the hash took bytes the file may not have
      throw err;
    } finally {
      await writeback.close();
    }
    if (running) running.bytes += counter.bytes;
    return counter.bytes;
  }

  /** The sha256 of the session's `size` bytes when every one of them was hashed as it was written; else undefined. */
  digestOf(id: string, size: number): Digest | undefined {
    const running = this.running.get(id);
    return running && running.bytes === size ? `sha256:${running.hash.copy().digest('hex')}` : undefined;
  }

  /** Cuts a file back to `size` bytes: a chunk that did not arrive whole is dropped. */
  async truncate(id: string, size: number): Promise<void> {
    if (this.running.get(id)?.bytes !== size) this.running.delete(id);
    await truncate(this.path(id), size);
  }

  async remove(id: string): Promise<void> {
    this.running.delete(id);
    await rm(this.path(id), { force: true });
  }
}
