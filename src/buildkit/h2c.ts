// HTTP/2 cleartext over a connection the Engine API handed over (POST /grpc and POST /session are HTTP/1.1
// upgrades to h2c, as dockerd answers them). /grpc: berthd is the gRPC server on the socket. /session: the
// client serves its session (filesync, auth, secrets) and berthd is the gRPC client.
import http2 from 'node:http2';
import type { Duplex } from 'node:stream';
import type { GrpcTransportOptions } from '@connectrpc/connect-node';

type SessionManager = NonNullable<GrpcTransportOptions['sessionManager']>;

/** One HTTP/2 server for every /grpc connection; each hijacked socket becomes one of its sessions. */
export class H2cServer {
  private readonly server: http2.Http2Server;
  private readonly sessions = new Set<http2.ServerHttp2Session>();

  constructor(handler: (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void) {
    this.server = http2.createServer({}, handler);
    this.server.on('session', (s: http2.ServerHttp2Session) => {
      this.sessions.add(s);
      s.once('close', () => this.sessions.delete(s));
    });
  }

  /** Serves HTTP/2 on a socket that already answered the upgrade. */
  serve(socket: Duplex): void {
    this.server.emit('connection', socket);
  }

  close(): void {
    for (const s of this.sessions) s.destroy();
    this.server.close();
  }
}

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
