// HTTP/2 cleartext over a connection the Engine API handed over (POST /grpc and POST /session are HTTP/1.1
// upgrades to h2c, as dockerd answers them). /grpc: berthd is the gRPC server on the socket. /session: the
// client serves its session (filesync, auth, secrets) and berthd is the gRPC client. (The /grpc server side is
// lib/h2c-server.ts.)
import http2 from 'node:http2';
import type { Duplex } from 'node:stream';
import type { GrpcTransportOptions } from '@connectrpc/connect-node';

type SessionManager = NonNullable<GrpcTransportOptions['sessionManager']>;

export const SESSION_AUTHORITY = 'http://buildkit-session';

/**
 * An HTTP/2 client session on a socket the client handed over, as the session manager Connect's gRPC transport
 * asks for: every call goes over this one connection (there is nothing to reconnect to).
 */
export class HijackedHttp2Client implements SessionManager {
  readonly authority = SESSION_AUTHORITY;
  readonly session: http2.ClientHttp2Session;

  constructor(socket: Duplex) {
    this.session = http2.connect(SESSION_AUTHORITY, { createConnection: () => socket });
    // Errors end the session; callers learn it from their streams and from 'close'.
    this.session.on('error', () => undefined);
  }

  request(
    method: string,
    path: string,
    headers: http2.OutgoingHttpHeaders,
    options: Omit<http2.ClientSessionRequestOptions, 'signal'>,
  ): Promise<http2.ClientHttp2Stream> {
    return Promise.resolve(this.session.request({ ...headers, ':method': method, ':path': path }, options));
  }

  notifyResponseByteRead(): void {}

  close(): void {
    this.session.destroy();
  }
}
