// Sends a range of an open file to a TCP socket with sendfile(2): the kernel copies page cache to the socket
// without the bytes passing through JavaScript (as distribution serves blobs). Node has no sendfile, so it runs
// through koffi on thread-pool threads: poll(2) for room in the socket (a short wait), then sendfile of as much
// as fits. Both work on a dup(2) of the socket, so the descriptor stays the same socket even when Node closes
// its own meanwhile (the client went away). A client that does not read within the poll's wait, a socket
// without a descriptor, or a C library that cannot be called: the call returns how far it got and the caller
// streams the rest the ordinary way (no thread-pool thread waits on a slow client).
import type { Socket } from 'node:net';
import { callAsync, lazyCLibraryCalls, type AsyncCall } from './libc.js';

interface SendfileCalls {
  sendfile: AsyncCall<[number, number, Buffer, number]>;
  poll: AsyncCall<[Buffer, number, number]>;
  dup: (fd: number) => number;
  close: (fd: number) => number;
}

// The offset is passed as an 8-byte buffer (off_t *), the pollfd as one of 8 bytes (int, short, short).
const sendfileCalls = lazyCLibraryCalls<SendfileCalls>((lib) => ({
  sendfile: lib.func(
    'intptr_t sendfile(int out_fd, int in_fd, void *offset, size_t count)',
  ) as SendfileCalls['sendfile'],
  poll: lib.func('int poll(void *fds, unsigned long nfds, int timeout)') as SendfileCalls['poll'],
  dup: lib.func('int dup(int fd)') as SendfileCalls['dup'],
  close: lib.func('int close(int fd)') as SendfileCalls['close'],
}));

const POLLOUT = 0x4;
/** How long one poll may hold a thread-pool thread waiting for the client to read. */
const POLL_WAIT_MS = 100;
/** Bytes asked of one sendfile call. */
const CHUNK = 8 * 1024 * 1024;

/** The descriptor of a connected TCP socket, when Node exposes it. */
function socketFd(socket: Socket): number | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * Sends bytes `start..end` (inclusive) of `fileFd` to `socket`; resolves the number of bytes sent, which is less
 * than asked when the client stalled, the socket failed or sendfile is unavailable (0 when nothing was tried).
 * The socket must have nothing queued in Node (its headers already written).
 */
export async function sendFileRange(socket: Socket, fileFd: number, start: number, end: number): Promise<number> {
  const lib = sendfileCalls();
  const fd = socketFd(socket);
  if (!lib || fd === undefined || socket.writableLength > 0) return 0;
  const out = lib.dup(fd);
  if (out < 0) return 0;
  const offset = Buffer.alloc(8);
  const pollfd = Buffer.alloc(8);
  pollfd.writeInt32LE(out, 0);
  pollfd.writeInt16LE(POLLOUT, 4);
  let sent = 0;
  try {
    while (start + sent <= end && !socket.destroyed) {
      pollfd.writeInt16LE(0, 6);
      if ((await callAsync(lib.poll, pollfd, 1, POLL_WAIT_MS)) !== 1 || pollfd.readInt16LE(6) !== POLLOUT) break;
      offset.writeBigInt64LE(BigInt(start + sent));
      const n = await callAsync(lib.sendfile, out, fileFd, offset, Math.min(CHUNK, end - start - sent + 1));
      if (n <= 0) break;
      sent += n;
    }
  } finally {
    lib.close(out);
  }
  return sent;
}
