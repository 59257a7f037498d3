// The server side of a SPDY/3.1 connection as Kubernetes' streaming clients speak it (moby/spdystream under
// client-go: kubelet, kubectl, crictl), over a socket already upgraded from HTTP/1.1. The framing and the
// zlib-compressed headers are spdy-transport's; two things of spdystream's it does not expect are mended here,
// on this connection only:
// - spdystream's SYN_STREAM carries plain headers (streamType, port, requestID), none of HTTP's `:method` and
//   `:path`, which spdy-transport's parser insists on: a stream without them gets neutral ones.
// - spdystream has no flow control: it never sends WINDOW_UPDATE, so a sender that waits for one stalls after the
//   first 64 KiB of a stream. Each stream's send window is refilled whenever it runs low. (The session window is
//   not enforced by spdy-transport at SPDY version 3, which spdystream's frames carry.)
import type { Duplex } from 'node:stream';
import type { Connection, SpdyStream } from 'spdy-transport';

export type { SpdyStream };

export interface SpdyServerConnection {
  /**
   * Waits up to `graceMs` for the client to close the connection (k8s clients do once they have read every stream
   * to its end), then sends GOAWAY and drops it. Not GOAWAY first: spdy-transport sends control frames ahead of
   * queued DATA, and spdystream stops reading at a GOAWAY, so the last data (the exec's status) would be lost.
   */
  close(graceMs?: number): Promise<void>;
  /** Settles when the socket is gone. */
  readonly closed: Promise<void>;
}

/**
 * Serves SPDY on `socket`; `onStream` gets each stream the client opens, with its headers, and answers it with
 * `accept` (SYN_REPLY) or `reject` (RST_STREAM).
 */
export async function spdyServerConnection(
  socket: Duplex,
  onStream: (stream: SpdyStream) => void,
): Promise<SpdyServerConnection> {
  // Loaded with the first streaming connection: a daemon that never streams does not hold it.
  const { default: transport } = await import('spdy-transport');
  const connection: Connection = transport.connection.create(socket, { protocol: 'spdy', isServer: true });
  const parser = connection._spdyState.parser;
  const parseKVs = parser.parseKVs.bind(parser);
  parser.parseKVs = (buffer, callback) =>
    parseKVs(buffer, (err, headers) => {
      if (headers) {
        headers[':method'] ??= 'POST';
        headers[':path'] ??= '/';
      }
      callback(err, headers);
    });
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
  });
  // Errors (a client gone mid-frame, RST on a stream) end the connection; the caller sees `closed`.
  connection.on('error', () => socket.destroy());
  connection.on('stream', (stream: SpdyStream) => {
    stream.on('error', () => undefined);
    const send = stream._spdyState.window.send;
    send.on('drain', () => send.update(send.getDelta()));
    onStream(stream);
  });
  return {
    closed,
    async close(graceMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
      ]);
      clearTimeout(timer);
      if (!waited) return;
      connection.end();
      timer = setTimeout(() => socket.destroy(), 1000);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** SYN_REPLY: the stream is taken. */
export const acceptStream = (stream: SpdyStream): void => stream.respond(200, {});

/** RST_STREAM: the stream is refused. */
export const rejectStream = (stream: SpdyStream): void => stream.abort('REFUSED_STREAM');
