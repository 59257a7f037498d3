// Upload sessions' staging files: `<root>/uploads/<id>`, appended chunk by chunk. A session's committed
// offset is its file's size. Nothing here is visible as a blob: finishing an upload hands the file to the
// content store (commitFile), which checks its digest and alone makes a blob appear, by rename.
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { registryError } from './errors.js';

class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

export class UploadFiles {
  constructor(private readonly dir: string) {}

  path(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`bad upload id ${id}`);
    return join(this.dir, id);
  }

  async create(id: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(this.path(id), '', { flag: 'wx' });
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
    const counter = new ByteCounter();
    await pipeline(body, counter, createWriteStream(this.path(id), { flags: 'a' }), { signal: options.signal });
    return counter.bytes;
  }

  /** Cuts a file back to `size` bytes: a chunk that did not arrive whole is dropped. */
  async truncate(id: string, size: number): Promise<void> {
    await truncate(this.path(id), size);
  }

  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }
}
