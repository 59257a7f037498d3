// The one abort signal of a request: aborted when the client goes away before the exchange is complete, so work
// done for nobody (a pull, a build, a log follow, an upload, a hijacked attach or exec) stops.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDetached } from './hijack.js';

const signals = new WeakMap<object, AbortSignal>();

/**
 * Aborts when the request body is cut short, when the response closes before it was finished, or when the
 * client ends or closes the connection (hijacked exchanges write to the socket, not the response). A keep-alive connection outlives
 * the exchange, so nothing stays listening on it once the response is over. The same signal for every call.
 */
export function requestSignal(req: FastifyRequest, reply: FastifyReply): AbortSignal {
  const known = signals.get(req.raw);
  if (known) return known;
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  req.raw.once('close', () => {
    if (!req.raw.complete) abort();
  });
  const socket = req.raw.socket as typeof req.raw.socket | null;
  socket?.once('close', abort);
  // The API's sockets allow half-open connections (for hijacked streams), so a client that has gone away closes
  // only its side: its FIN is the end of an exchange still waiting to answer (a wait, an events or logs follow),
  // as Go's server cancels the request's context on it. On a hijacked socket the FIN is stdin's end, not a goodbye
  // (a hijack also takes the 'end' listeners set before it away).
  if (socket && !isDetached(socket)) socket.once('end', abort);
  const over = (): void => {
    socket?.off('close', abort);
    socket?.off('end', abort);
  };
  reply.raw.once('finish', over);
  reply.raw.once('close', () => {
    over();
    if (!reply.raw.writableFinished) abort();
  });
  signals.set(req.raw, controller.signal);
  return controller.signal;
}
