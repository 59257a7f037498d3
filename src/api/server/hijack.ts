// Hijacked connections (attach, exec start): Docker answers "101 UPGRADED" when the client asked to upgrade,
// or "200 OK" otherwise, then the raw socket carries the stream in both directions.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export const RAW_STREAM = 'application/vnd.docker.raw-stream';
export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

export interface HttpParserSocket extends Socket {
  parser?: { _consumed?: boolean; unconsume?: () => void } | null;
}

const detached = new WeakSet<Socket>();

/** Whether a route has taken the socket from the HTTP parser: its client's FIN is then the route's to read (stdin's end). */
export function isDetached(socket: Socket): boolean {
  return detached.has(socket);
}

/**
 * Node's HTTP server keeps parsing what arrives on the socket after the request (as the next request): take the
 * socket away from its parser, as Node itself does for an 'upgrade', so the client's stdin reaches the route.
 */
export function detachHttpParser(socket: HttpParserSocket): void {
  detached.add(socket);
  const parser = socket.parser;
  if (parser?._consumed && parser.unconsume) parser.unconsume();
  if (parser) parser._consumed = false;
  for (const event of ['data', 'end', 'timeout', 'pause', 'resume', 'drain'] as const) socket.removeAllListeners(event);
  // Held until the route reads: input that arrives before then must wait, not flow away unheard.
  socket.pause();
}

/** Takes the socket away from the HTTP framework and writes the response head. */
export function hijack(req: FastifyRequest, reply: FastifyReply, contentType: string): Duplex {
  reply.hijack();
  const socket = req.raw.socket as HttpParserSocket;
  detachHttpParser(socket);
  const upgrade =
    (req.headers.upgrade ?? '').toString().toLowerCase() === 'tcp' ||
    String(req.headers.connection ?? '')
      .toLowerCase()
      .includes('upgrade');
  const head = [
    upgrade ? 'HTTP/1.1 101 UPGRADED' : 'HTTP/1.1 200 OK',
    `Content-Type: ${contentType}`,
    ...(upgrade ? ['Connection: Upgrade', 'Upgrade: tcp'] : []),
    `Api-Version: ${String(reply.getHeader('api-version') ?? '')}`,
    'Ostype: linux',
    `Server: ${String(reply.getHeader('server') ?? '')}`,
  ];
  socket.write(`${head.join('\r\n')}\r\n\r\n`);
  socket.setTimeout(0);
  socket.setNoDelay(true);
  return socket;
}

const HANGUP_PROBE_MS = 1000;

/**
 * For a hijacked stream whose input nobody reads (an attach without stdin): reads and drops what the client sends,
 * so its FIN and its close are heard, and calls `onGone` once it has gone. A FIN alone is no goodbye: the docker CLI
 * half-closes at once when it sends no stdin, and reads on. So from the FIN on, a write of zero bytes (nothing goes on
 * the wire) asks whether the client closed its reading side too: on a unix socket that write fails with EPIPE once
 * the peer has closed, at the FIN itself for a client that simply closed, and within a second for one that half-closed
 * first. (Over TCP a zero-byte write only fails after the peer's RST.) Returns a function that stops watching.
 */
export function watchHangUp(socket: Duplex, onGone: () => void): () => void {
  let probe: NodeJS.Timeout | undefined;
  const gone = (): void => {
    stop();
    onGone();
  };
  const ask = (): void => {
    if (!socket.destroyed) socket.write(Buffer.alloc(0));
  };
  const onEnd = (): void => {
    ask();
    probe ??= setInterval(ask, HANGUP_PROBE_MS);
    probe.unref();
  };
  const drop = (): void => undefined;
  const stop = (): void => {
    clearInterval(probe);
    socket.off('data', drop);
    socket.off('end', onEnd);
    socket.off('close', gone);
  };
  socket.on('data', drop);
  socket.once('end', onEnd);
  // A failed probe is an error, then a close: the close is the news. Left on: the socket may fail once more at its end.
  socket.on('error', drop);
  socket.once('close', gone);
  if (socket.readableEnded) onEnd();
  if (socket.destroyed) gone();
  else socket.resume();
  return stop;
}
