// BuildKit's door on the Engine API socket: POST /grpc and POST /session are HTTP/1.1 upgrades to h2c, answered
// "101 Switching Protocols" as dockerd answers them; the socket then belongs to buildkit/. buildkit/ (its gRPC
// stack and generated code, ~6 MiB of heap) is loaded on the first BuildKit request, not by an idle daemon.
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../lib/logger.js';
import type { Builder } from '../builder/builder.js';
import type { ImageService } from '../engine/images/image-service.js';
import { invalidArgument } from '../core/errdefs.js';
import { detachHttpParser, type HttpParserSocket } from '../api/server/hijack.js';
import type { BuildkitDoor } from '../buildkit/buildkit-door.js';
import type { DaemonConfig } from './config.js';
import type { BuildkitBuild } from '../api/deps.js';
import { BERTH_VERSION } from './version.js';
import { findExecutable } from './host-tools.js';

function upgradeToH2c(req: FastifyRequest, reply: FastifyReply): HttpParserSocket {
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade !== 'h2c') throw invalidArgument(`${req.url} needs a connection upgrade to h2c (Upgrade: h2c)`);
  reply.hijack();
  const socket = req.raw.socket as HttpParserSocket;
  detachHttpParser(socket);
  // The Engine API's sockets allow half-open connections, and the HTTP parser that ended them on the client's
  // FIN is gone: without this, every /grpc and /session connection (four per buildx build) stayed open in
  // berthd, its HTTP/2 session and the build's client session with it, after the client had closed its side.
  socket.once('end', () => socket.end());
  socket.setTimeout(0);
  socket.setNoDelay(true);
  socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
  return socket;
}

interface LoadedDoor {
  door: BuildkitDoor;
  sessionHeaders: (typeof import('../buildkit/buildkit-door.js'))['sessionHeaders'];
}

/** The door, loaded on first use; `routes` adds /grpc and /session to the Engine API, `buildkitBuild` serves
 * POST /build?version=2. */
export function wireBuildkit(
  config: DaemonConfig,
  logger: Logger,
  builder: Builder,
  images: ImageService,
): { routes(api: FastifyInstance): void; buildkitBuild: BuildkitBuild; close(): Promise<void> } {
  let door: Promise<LoadedDoor> | undefined;
  const loaded = (): Promise<LoadedDoor> =>
    (door ??= import('../buildkit/buildkit-door.js').then(({ BuildkitDoor, sessionHeaders }) => ({
      sessionHeaders,
      door: new BuildkitDoor({
        builder,
        images,
        // Under the builder's contexts/, which start-up repair empties.
        workRoot: join(config.dataRoot, 'builder', 'contexts', 'buildkit'),
        version: BERTH_VERSION,
        logger: logger.child({ component: 'buildkit' }),
        gitPath: findExecutable('git'),
      }),
    })));
  return {
    routes(api) {
      api.post('/grpc', async (req, reply) => {
        const { door } = await loaded();
        door.serveGrpc(upgradeToH2c(req, reply));
      });
      api.post('/session', async (req, reply) => {
        const { door, sessionHeaders } = await loaded();
        const headers = sessionHeaders(req.headers);
        if (!headers) throw invalidArgument('no session ID (X-Docker-Expose-Session-Uuid)');
        door.attachSession(upgradeToH2c(req, reply), headers);
      });
    },
    buildkitBuild: async (body, request, sessionId, emit, options) =>
      (await loaded()).door.buildTar(body, request, sessionId, emit, options),
    async close() {
      if (door !== undefined) (await door).door.close();
    },
  };
}
