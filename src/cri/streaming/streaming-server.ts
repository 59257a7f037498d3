// The CRI's streaming server inside berthd, as kubelet's (and containerd's) streaming server: Exec, Attach and
// PortForward answer a URL of it (http://<address>:<port>/<kind>/<token>) instead of streaming over gRPC; the
// client connects there and upgrades to SPDY/3.1 or to a WebSocket (websocket-channels.ts). It listens on loopback by default (a port the kernel picks,
// as containerd's stream_server_address 127.0.0.1 and port 0), from the first request on; each token serves one
// connection (stream-tokens.ts). Only upgrade requests are served; anything else is refused as kubelet does.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../lib/logger.js';
import { StreamTokens } from './stream-tokens.js';
import { negotiate, refuse, switchToSpdy } from './spdy-upgrade.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { negotiateWebSocket } from './websocket-channels.js';

export type StreamKind = 'exec' | 'attach' | 'portforward';

export interface StreamingServerOptions<R extends { kind: StreamKind }> {
  /** Address to listen on (127.0.0.1 by default). */
  address: string;
  /** 0: any free port. */
  port: number;
  protocols: Record<StreamKind, readonly string[]>;
  /** Serves one upgraded connection for `request`; the socket is the caller's from then on. */
  serve(request: R, socket: Duplex): Promise<void>;
  /** The WebSocket sub-protocols of each kind ('' standing for none offered). */
  webSocketProtocols: Record<StreamKind, readonly string[]>;
  /** Why a WebSocket request for `request` is refused (400) before the upgrade, if it is. */
  refuseWebSocket(request: R, query: URLSearchParams): string | undefined;
  /** Serves one WebSocket for `request`, with the sub-protocol taken; the WebSocket is the caller's from then on. */
  serveWebSocket(request: R, ws: WebSocket, protocol: string, query: URLSearchParams): Promise<void>;
  logger: Logger;
}

export class StreamingServer<R extends { kind: StreamKind }> {
  private readonly tokens = new StreamTokens<R>();
  private listening: Promise<string> | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Duplex>();
  /** The sub-protocol negotiated for each WebSocket request, for ws to answer with. */
  private readonly webSocketProtocols = new WeakMap<IncomingMessage, string>();
  private readonly webSockets = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (_offered, req) => this.webSocketProtocols.get(req) || false,
  });

  constructor(private readonly options: StreamingServerOptions<R>) {}

  /** The URL that serves `request` once. */
  async url(request: R): Promise<string> {
    const base = await (this.listening ??= this.listen());
    return `${base}${request.kind}/${this.tokens.issue(request)}`;
  }

  private async listen(): Promise<string> {
    const server = createServer((req, res) => {
      // Not an upgrade: a stale or unknown token is 404, as kubelet's, else the upgrade is missing (and the token
      // used up, as kubelet's is).
      const found = this.take(req);
      res.writeHead(found ? 400 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(found ? 'unable to upgrade: missing upgrade headers in request\n' : '404 page not found\n');
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    server.on('clientError', (_err, socket: Duplex) => socket.destroy());
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.address, () => resolve());
    });
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    this.options.logger.info({ address, port }, 'CRI streaming server listening');
    return `http://${host}:${port}/`;
  }

  /** The request a URL stands for, taken: its token serves once. */
  private take(req: IncomingMessage): R | undefined {
    const match = /^\/(exec|attach|portforward)\/([A-Za-z0-9_-]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!match) return undefined;
    const request = this.tokens.take(match[2]!);
    return request?.kind === match[1] ? request : undefined;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const request = this.take(req);
    if (!request) return refuse(socket, 404, '404 page not found');
    if (String(req.headers.upgrade ?? '').toLowerCase() === 'websocket')
      return this.upgradeToWebSocket(request, req, socket, head);
    const answer = negotiate(req, this.options.protocols[request.kind]);
    if (!('protocol' in answer)) return refuse(socket, answer.status, answer.message, answer.headers);
    switchToSpdy(socket, answer.protocol);
    if (head.length > 0) socket.unshift(head);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.options.serve(request, socket).catch((err: unknown) => {
      this.options.logger.warn({ err, kind: request.kind }, 'CRI stream failed');
      socket.destroy();
    });
  }

  private upgradeToWebSocket(request: R, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const refusal = this.options.refuseWebSocket(request, query);
    if (refusal) return refuse(socket, 400, refusal);
    const answer = negotiateWebSocket(req, this.options.webSocketProtocols[request.kind]);
    if (!('protocol' in answer)) return refuse(socket, answer.status, answer.message);
    this.webSocketProtocols.set(req, answer.protocol);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    // ws answers the handshake (and refuses a malformed one itself); the sub-protocol is the one negotiated above.
    this.webSockets.handleUpgrade(req, socket, head, (ws) => {
      this.options.serveWebSocket(request, ws, answer.protocol, query).catch((err: unknown) => {
        this.options.logger.warn({ err, kind: request.kind }, 'CRI stream failed');
        ws.terminate();
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
