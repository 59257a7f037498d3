// Reads an image archive (docker-archive or OCI layout tar, plain or gzip) into the content store, entry by
// entry, without holding layers in memory. Returns each file's path -> stored blob.
import { createGunzip } from 'node:zlib';
import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';
import { invalidArgument } from '../../core/errdefs.js';
import type { BlobInfo, ContentStore, Lease } from '../../core/content/content-store.js';

const GZIP_MAGIC = [0x1f, 0x8b];

/** Peeks at the first bytes and gunzips when the stream is gzip. */
export async function maybeGunzip(input: Readable): Promise<Readable> {
  const out = new PassThrough();
  const first: Buffer = await new Promise((resolve, reject) => {
    const onReadable = (): void => {
      const chunk = input.read() as Buffer | null;
      if (chunk === null) return;
      input.off('readable', onReadable);
      input.off('end', onEnd);
      resolve(chunk);
    };
    const onEnd = (): void => resolve(Buffer.alloc(0));
    input.on('readable', onReadable);
    input.once('end', onEnd);
    input.once('error', reject);
  });
  const gz = first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1];
  const target = gz ? createGunzip() : out;
  if (gz) target.pipe(out);
  target.write(first);
  input.on('error', (err) => out.destroy(err));
  target.on('error', (err) => out.destroy(err));
  input.pipe(target);
  return out;
}

export const cleanArchivePath = (name: string): string => name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');

export async function ingestArchive(
  body: Readable,
  content: ContentStore,
  options: { signal?: AbortSignal; lease?: Lease } = {},
): Promise<Map<string, BlobInfo>> {
  const files = new Map<string, BlobInfo>();
  const extract = tar.extract();
  const failed = new Promise<never>((_r, reject) => extract.on('error', reject));
  failed.catch(() => undefined);
  const stream = await maybeGunzip(body);
  stream.on('error', (err) => extract.destroy(err));
  stream.pipe(extract);
  try {
    for await (const entry of extract) {
      options.signal?.throwIfAborted();
      if (entry.header.type !== 'file' && entry.header.type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      const info = await Promise.race([
        content.ingest(entry as unknown as Readable, { size: entry.header.size }, options),
        failed,
      ]);
      files.set(cleanArchivePath(entry.header.name), info);
    }
  } catch (err) {
    stream.unpipe(extract);
    stream.resume();
    if ((err as { kind?: string }).kind || (err as Error).name === 'AbortError') throw err;
    throw invalidArgument(`invalid archive: ${(err as Error).message}`, err);
  }
  return files;
}
