// Container log bytes -> lines: Docker's multiplexed frames (non-TTY) or a raw TTY stream, split on
// newlines per stream, with partial lines and multi-byte characters carried across chunks.
/** Splits Docker's multiplexed frames (8-byte header: stream, 0, 0, 0, size BE32) or a raw TTY stream into lines. */
export class LogSplitter {
  readonly lines: string[] = [];
  private errLines = new Set<number>();
  private pending = new Uint8Array(0);
  private partial = ['', '', ''];
  private decoders = [new TextDecoder(), new TextDecoder(), new TextDecoder()];
  constructor(private readonly multiplexed: boolean) {}

  isStderr(i: number): boolean {
    return this.errLines.has(i);
  }

  push(chunk: Uint8Array): void {
    if (!this.multiplexed) return this.text(1, chunk);
    let buf = this.pending.length ? concat(this.pending, chunk) : chunk;
    while (buf.length >= 8) {
      const size = ((buf[4]! << 24) >>> 0) + (buf[5]! << 16) + (buf[6]! << 8) + buf[7]!;
      if (buf.length < 8 + size) break;
      this.text(buf[0] === 2 ? 2 : 1, buf.subarray(8, 8 + size));
      buf = buf.subarray(8 + size);
    }
    this.pending = buf.slice();
  }

  private text(stream: number, bytes: Uint8Array): void {
    const text = this.partial[stream] + this.decoders[stream]!.decode(bytes, { stream: true });
    const parts = text.split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const line of parts) {
      if (stream === 2) this.errLines.add(this.lines.length);
      this.lines.push(line);
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
