// The HTTP/1.1 upgrade to SPDY/3.1 as Kubernetes' streaming server answers it (apimachinery's httpstream
// Handshake and spdy.ResponseUpgrader): the client offers sub-protocols in X-Stream-Protocol-Version (repeated or
// comma-separated), the server picks the first it speaks in the client's order and says so in the 101 response.
// Refusals are the same status codes and words, as plain HTTP responses on the socket before any upgrade.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export const PROTOCOL_HEADER = 'x-stream-protocol-version';

/** What the client asked for, read against the protocols the server speaks: the one chosen, or the refusal. */
export function negotiate(
  req: IncomingMessage,
  serverProtocols: readonly string[],
): { protocol: string } | { status: number; message: string; headers?: Record<string, string> } {
  const offered = String(req.headers[PROTOCOL_HEADER] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (offered.length === 0) return { status: 400, message: 'unable to upgrade: X-Stream-Protocol-Version is required' };
  const protocol = offered.find((p) => serverProtocols.includes(p));
  if (!protocol)
    return {
      status: 403,
      message: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${serverProtocols.join(' ')}]`,
      headers: { 'X-Accepted-Stream-Protocol-Versions': serverProtocols.join(', ') },
    };
  const connection = String(req.headers.connection ?? '').toLowerCase();
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (!connection.includes('upgrade') || !upgrade.includes('spdy/3.1'))
    return {
      status: 400,
      message: `unable to upgrade: missing upgrade headers in request (this server speaks SPDY/3.1 and WebSocket; Upgrade: ${upgrade || 'none'})`,
    };
  return { protocol };
}

/** A plain HTTP answer on a socket that was not upgraded; the socket ends with it. */
export function refuse(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = `${message}\n`;
  const head = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`,
    'Content-Type: text/plain; charset=utf-8',
    'X-Content-Type-Options: nosniff',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/** 101 Switching Protocols with the chosen sub-protocol; SPDY frames follow on the socket. */
export function switchToSpdy(socket: Duplex, protocol: string): void {
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
  );
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' };
