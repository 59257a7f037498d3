// BuildKit's door into berthd: POST /grpc connections served as gRPC (Control, LLBBridge) and POST /session
// connections kept as client sessions. The Engine API route upgrades the connection and hands the socket here.
import type { Duplex, Readable } from 'node:stream';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { Control } from '../gen/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';
import { LLBBridge } from '../gen/buildkit/github.com/moby/buildkit/frontend/gateway/pb/gateway_pb.js';
import type { Logger } from '../lib/logger.js';
import type { Builder } from '../builder/builder.js';
import type { ImageService } from '../engine/images/image-service.js';
import { H2cServer } from '../lib/h2c-server.js';
import { Sessions, type SessionHeaders } from './sessions.js';
import { Solves } from './solves.js';
import { SyncedDirs } from './synced-dirs.js';
import { controlService } from './control-service.js';
import { gatewayService } from './gateway-service.js';
import type { BuildkitDeps } from './deps.js';
import type { BuildRequest } from '../builder/ports.js';
import { buildTarWithTrace } from './tar-build.js';

export { sessionHeaders } from './sessions.js';

export class BuildkitDoor {
  private readonly deps: BuildkitDeps;
  private readonly grpc: H2cServer;

  constructor(options: {
    builder: Builder;
    images: ImageService;
    workRoot: string;
    version: string;
    logger: Logger;
    gitPath?: string;
  }) {
    this.deps = {
      ...options,
      sessions: new Sessions(),
      solves: new Solves(),
      syncedDirs: new SyncedDirs(options.workRoot),
    };
    const { logger } = options;
    const handler = connectNodeAdapter({
      grpc: true,
      connect: false,
      grpcWeb: false,
      routes: (router) => {
        router.service(Control, controlService(this.deps));
        router.service(LLBBridge, gatewayService(this.deps));
      },
      interceptors: [
        (next) => async (req) => {
          try {
            return await next(req);
          } catch (err) {
            logger.debug({ err, method: req.method.name }, 'buildkit call failed');
            throw err;
          }
        },
      ],
    });
    this.grpc = new H2cServer(handler);
  }

  /** A /grpc connection after its 101: berthd serves BuildKit's API on it. */
  serveGrpc(socket: Duplex): void {
    this.grpc.serve(socket);
  }

  /** A /session connection after its 101: the client's session, for the builds that name it. */
  attachSession(socket: Duplex, headers: SessionHeaders): void {
    this.deps.sessions.attach(socket, headers);
  }

  /** POST /build?version=2 (tar-build.ts). */
  buildTar(
    body: Readable,
    request: BuildRequest,
    sessionId: string | undefined,
    emit: (message: object) => void,
    options: { signal: AbortSignal },
  ): Promise<void> {
    return buildTarWithTrace(this.deps, body, request, sessionId, emit, options);
  }

  close(): void {
    this.grpc.close();
    this.deps.sessions.close();
  }
}
