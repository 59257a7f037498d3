// Docker's multiplexed stream framing: an 8-byte header (stream id, 3 zero bytes, big-endian length) per frame.
// Used for logs, attach and exec when the container has no TTY.

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;

export function frame(stream: 0 | 1 | 2, payload: Buffer): Buffer {
  // One allocation (from Node's pool for small frames) and one copy: logs frame a million lines per 100 MB.
  const out = Buffer.allocUnsafe(8 + payload.length);
  out.writeUInt32BE(stream << 24, 0);
  out.writeUInt32BE(payload.length, 4);
  payload.copy(out, 8);
  return out;
}
