// A client of conmon's attach socket (`<bundle>/attach`, SOCK_SEQPACKET): each packet conmon sends is one byte
// naming the pipe (2 stdout, 3 stderr) and the data; what the client sends goes to the process's stdin as is.
// Half-closing our side makes conmon close the process's stdin (unless it runs with --leave-stdin-open).
// Bundle paths can be longer than a socket address allows, so the connection goes through /proc/self/fd.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { SeqpacketSocket } from 'node-unix-socket';
import type { StdioStream } from '../../core/runtime/runtime.js';
import { ChunkQueue } from './chunk-queue.js';

const STDOUT_PIPE = 2;
const STDERR_PIPE = 3;
/** conmon sends at most 8 KiB of data plus the pipe byte per packet. */
const READ_BUFFER = 64 * 1024;
/** conmon reads at most 32 KiB per packet: anything longer would be cut. */
const WRITE_PACKET = 16 * 1024;

export async function connectAttachSocket(dir: string, options: { signal?: AbortSignal } = {}): Promise<StdioStream> {
  options.signal?.throwIfAborted();
  const handle = await open(dir, 'r');
  const socket = new SeqpacketSocket();
  const queue = new ChunkQueue();
  let closed = false;
  let inputEnded = false;
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(join(`/proc/self/fd/${handle.fd}`, 'attach'), () => {
        socket.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    socket.destroy();
    throw err;
  } finally {
    await handle.close();
  }
  socket.setInternalReadBufferSize(READ_BUFFER);
  socket.on('data', (packet: Buffer) => {
    if (packet.length < 2) return;
    const pipe = packet[0];
    if (pipe !== STDOUT_PIPE && pipe !== STDERR_PIPE) return;
    queue.push({ stream: pipe === STDERR_PIPE ? 'stderr' : 'stdout', data: Buffer.from(packet.subarray(1)) });
  });
  socket.on('error', () => undefined);
  socket.on('end', () => queue.end());
  socket.on('close', () => {
    closed = true;
    queue.end();
  });
  const stream: StdioStream = {
    output: queue,
    write(data: Buffer): void {
      if (closed || inputEnded || data.length === 0) return;
      try {
        for (let off = 0; off < data.length; off += WRITE_PACKET) socket.write(data.subarray(off, off + WRITE_PACKET));
      } catch {
        /* the process is gone: its output ends on its own */
      }
    },
    endInput(): void {
      if (closed || inputEnded) return;
      inputEnded = true;
      try {
        socket.end();
      } catch {
        /* already closed */
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      queue.end();
      socket.destroy();
    },
  };
  options.signal?.addEventListener('abort', () => stream.close(), { once: true });
  return stream;
}
