// Docker's multiplexed stream framing: an 8-byte header (stream id, 3 zero bytes, big-endian length) per frame.
// Used for logs, attach and exec when the container has no TTY.

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;

export function frame(stream: 0 | 1 | 2, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
