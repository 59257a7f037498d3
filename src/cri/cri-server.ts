// The CRI's own door into berthd: gRPC over HTTP/2 without TLS (h2c with prior knowledge, as grpc-go
// clients such as kubelet and crictl speak) on a unix socket of its own, beside the Engine API.
// Connections are accepted here and handed to Node's HTTP/2 server through lib/h2c-authority.ts, which
// mends the `:authority` those clients send (their socket's path) so that nghttp2 accepts their calls.
import { createServer as createHttp2Server, type Http2Session } from 'node:http2';
import { createServer as createNetServer } from 'node:net';
import { mkdirSync, unlinkSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { mendedConnection } from '../lib/h2c-authority.js';
import type { CriDeps } from './cri-deps.js';
import { errorInterceptor } from './cri-errors.js';
import { ImageService, RuntimeService } from './proto.js';
import { runtimeService } from './runtime-service.js';
import { imageService } from './image-service.js';

export interface CriServer {
  socketPath: string;
  close(): Promise<void>;
}

export async function startCriServer(socketPath: string, deps: CriDeps): Promise<CriServer> {
  const handler = connectNodeAdapter({
    // gRPC only: kubelet and crictl speak nothing else; Connect and gRPC-Web stay off.
    grpc: true,
    connect: false,
    grpcWeb: false,
    interceptors: [errorInterceptor(deps.logger)],
    routes(router) {
      router.service(RuntimeService, runtimeService(deps));
      router.service(ImageService, imageService(deps));
    },
  });
  const http2 = createHttp2Server(handler);
  const sessions = new Set<Http2Session>();
  http2.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const listener = createNetServer((socket) => http2.emit('connection', mendedConnection(socket)));

  mkdirSync(dirname(socketPath), { recursive: true });
  // The daemon holds its root lock, so a socket file left here belongs to a dead daemon.
  try {
    unlinkSync(socketPath);
  } catch {
    /* none */
  }
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(socketPath, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o660);
  return {
    socketPath,
    async close() {
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      // Open HTTP/2 sessions (a kubelet keeps one) would hold the listener's close forever.
      for (const session of sessions) session.close();
      await closed;
    },
  };
}
