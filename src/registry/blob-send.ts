// A blob's GET body straight from its file: the response's headers go out through Node, then the kernel copies
// the file to the socket (lib/send-file.ts); whatever sendfile did not send (a slow client, no descriptor, a
// response queued behind another on the connection) is streamed the ordinary way from where it stopped.
import type { OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply } from 'fastify';
import type { BlobFile } from '../core/content/content-store.js';
import { BULK_CHUNK } from '../lib/bulk-io.js';
import { sendFileRange } from '../lib/send-file.js';

const NOTHING = Buffer.alloc(0);

/** Sends bytes `start..end` (inclusive) of `file` as the reply's body with `status` and the reply's headers; closes `file`. */
export async function sendBlobFile(
  reply: FastifyReply,
  file: BlobFile,
  status: number,
  start: number,
  end: number,
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  try {
    res.writeHead(status, reply.getHeaders() as OutgoingHttpHeaders);
    res.flushHeaders();
    const socket = res.socket;
    let sent = 0;
    if (socket && !socket.destroyed) {
      // Resolves once the headers are in the kernel (writes on a socket complete in order).
      await new Promise<void>((resolve) => socket.write(NOTHING, () => resolve()));
      if (res.writableLength === 0) sent = await sendFileRange(socket, file.fd, start, end);
    }
    if (start + sent > end) res.end();
    else
      await pipeline(
        file.createReadStream({ start: start + sent, end, highWaterMark: BULK_CHUNK, autoClose: false }),
        res,
      );
  } catch {
    res.destroy(); // headers are out: a broken body can only be told by cutting the connection
  } finally {
    await file.close().catch(() => undefined);
  }
}
