// The docker CLI's classic build sends a Dockerfile from outside the context appended to the context tar
// (ReplaceFileTarWrapper), and that tar ends right after the last file's bytes: no padding to 512, no
// end-of-archive blocks. Go's tar reader takes an end there as the end of the archive, so dockerd builds it;
// tar-stream calls it truncated. This pass-through follows the tar's headers and, when the input ends exactly
// at an entry's end (data complete, only padding and the end blocks missing), adds them. An input that ends
// inside a header or inside an entry's data is passed on as it is, to fail as truncated.
import { Transform, type TransformCallback } from 'node:stream';

const BLOCK = 512;

/** The size field of a tar header (octal, or GNU base-256 when the top bit is set). */
function entrySize(header: Buffer): number {
  const field = header.subarray(124, 136);
  if (((field[0] as number) & 0x80) !== 0) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] as number);
    return n;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/g, '')
    .trim();
  return text === '' ? 0 : parseInt(text, 8);
}

export class TarTail extends Transform {
  private header = Buffer.alloc(0);
  /** Bytes of the current entry's data (and its padding) still to pass before the next header. */
  private dataLeft = 0;
  private paddingLeft = 0;
  private ended = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let i = 0;
    while (i < chunk.length && !this.ended) {
      if (this.dataLeft > 0 || this.paddingLeft > 0) {
        const take = Math.min(chunk.length - i, this.dataLeft + this.paddingLeft);
        const fromData = Math.min(take, this.dataLeft);
        this.dataLeft -= fromData;
        this.paddingLeft -= take - fromData;
        i += take;
        continue;
      }
      const need = BLOCK - this.header.length;
      this.header = Buffer.concat([this.header, chunk.subarray(i, i + need)]);
      i += Math.min(need, chunk.length - i);
      if (this.header.length < BLOCK) break;
      // An all-zero block is the end of the archive: nothing to complete after it.
      if (this.header.every((b) => b === 0)) this.ended = true;
      else {
        const size = entrySize(this.header);
        this.dataLeft = size;
        this.paddingLeft = (BLOCK - (size % BLOCK)) % BLOCK;
      }
      this.header = Buffer.alloc(0);
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (!this.ended && this.header.length === 0 && this.dataLeft === 0)
      done(null, Buffer.alloc(this.paddingLeft + 2 * BLOCK));
    else done();
  }
}
