// Content digests ("sha256:<hex>"): parsing, validation and hashing, streaming where it matters.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

export const isDigest = (s: string): s is Digest => DIGEST_RE.test(s);

export function parseDigest(s: string): Digest {
  if (!isDigest(s)) throw new TypeError(`invalid digest: ${JSON.stringify(s)}`);
  return s;
}

export const digestHex = (d: Digest): string => d.slice('sha256:'.length);

export const sha256 = (data: string | Uint8Array): Digest =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** A pass-through stream that hashes and counts what flows through it (`onChunk` is told each chunk's size). */
export class DigestingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly onChunk?: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onChunk?.(chunk.length);
    done(null, chunk);
  }

  /** Valid once the stream has ended. */
  digest(): Digest {
    return `sha256:${this.hash.copy().digest('hex')}`;
  }
}
