// HTTP/2 cleartext served on connections an HTTP/1.1 upgrade handed over: berthd's POST /grpc (it is the gRPC
// server there), and the CLI's side of POST /session (the client serves its BuildKit session to the engine).
import http2 from 'node:http2';
import type { Duplex } from 'node:stream';

/** One HTTP/2 server for many hijacked connections; each socket becomes one of its sessions. */
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
