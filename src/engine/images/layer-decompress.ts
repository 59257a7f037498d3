// Layer blobs to tar streams: gzip (node's zlib), zstd (fzstd, pure JavaScript: Node 20's zlib has no
// zstd; pinned in package.json) or uncompressed. Chosen by media type, else by the blob's magic bytes.
import { createGunzip } from 'node:zlib';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { Decompress } from 'fzstd';
import { INFLATE_CHUNK } from '../../lib/bulk-io.js';

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export function compressionOf(mediaType: string, firstBytes?: Buffer): Compression {
  if (/gzip$/.test(mediaType)) return 'gzip';
  if (/zstd$/.test(mediaType)) return 'zstd';
  if (firstBytes && GZIP_MAGIC.every((b, i) => firstBytes[i] === b)) return 'gzip';
  if (firstBytes && ZSTD_MAGIC.every((b, i) => firstBytes[i] === b)) return 'zstd';
  return 'none';
}

/** A Transform that inflates a zstd stream. */
export class ZstdDecompressStream extends Transform {
  private readonly decoder: Decompress;

  constructor() {
    super();
    this.decoder = new Decompress((data) => {
      if (data.length > 0) this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.decoder.push(chunk);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}

/** The uncompressed tar stream of a layer blob; errors of the source travel to the result. */
export function decompress(blob: Readable, compression: Compression): Readable {
  if (compression === 'none') return blob;
  const inflate = compression === 'gzip' ? createGunzip({ chunkSize: INFLATE_CHUNK }) : new ZstdDecompressStream();
  blob.on('error', (err) => inflate.destroy(err));
  return blob.pipe(inflate);
}
