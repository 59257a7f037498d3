// The CRI's gRPC service on the connections cri-server.ts accepts: Node's HTTP/2 server with Connect's handler
// for the RuntimeService and ImageService, each connection passed through lib/h2c-authority.ts, which mends
// the `:authority` grpc-go clients send (their socket's path) so that nghttp2 accepts their calls. Loaded on
// the first connection: an idle daemon does not hold the gRPC stack and the generated CRI code.
import { createServer as createHttp2Server, type Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { mendedConnection } from '../lib/h2c-authority.js';
import type { CriDeps } from './cri-deps.js';
import { errorInterceptor } from './cri-errors.js';
import { ImageService, RuntimeService } from './proto.js';
import { runtimeService } from './runtime-service.js';
import { imageService } from './image-service.js';
import { criStreams } from './streaming/cri-streams.js';

export interface CriConnections {
  accept(socket: Socket): void;
  /** Ends the open HTTP/2 sessions (a kubelet keeps one open) and the streaming server. */
  closeSessions(): Promise<void>;
}

export function criConnections(deps: CriDeps): CriConnections {
  const streams = criStreams(deps);
  const handler = connectNodeAdapter({
    // gRPC only: kubelet and crictl speak nothing else; Connect and gRPC-Web stay off.
    grpc: true,
    connect: false,
    grpcWeb: false,
    interceptors: [errorInterceptor(deps.logger, deps.onCall)],
    routes(router) {
      router.service(RuntimeService, runtimeService(deps, streams));
      router.service(ImageService, imageService(deps));
    },
  });
  const http2 = createHttp2Server(handler);
  const sessions = new Set<Http2Session>();
  http2.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  return {
    accept: (socket) => void http2.emit('connection', mendedConnection(socket)),
    closeSessions: async () => {
      for (const session of sessions) session.close();
      await streams.close();
    },
  };
}
