// The BuildKit session `berth compose` opens for a build with secrets, as the docker CLI and Compose v2 do: POST
// /session upgraded to h2c, on which the engine is the gRPC client and the CLI serves
// moby.buildkit.secrets.v1.Secrets (each `RUN --mount=type=secret,id=ID` asks GetSecret) and gRPC's health check
// (dockerd's session manager drops a session whose check fails). The build then names it:
// POST /build?version=2&session=ID. Only the Engine API, so it works on dockerd's BuildKit as on berthd.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { EngineClient } from '../client/engine-client.js';
import { Secrets } from '../gen/buildkit/github.com/moby/buildkit/session/secrets/secrets_pb.js';
import { Health, SERVING } from '../lib/grpc-health.js';
import { H2cServer } from '../lib/h2c-server.js';
import { ComposeError } from './errors.js';
import type { BuildSecret } from './model.js';

export interface BuildSession {
  id: string;
  close(): void;
}

const SERVED = ['/moby.buildkit.secrets.v1.Secrets/GetSecret', '/grpc.health.v1.Health/Check'];

/** The secrets' bytes by ID, read now: a missing file fails the build before it starts, naming the secret. */
async function secretValues(secrets: BuildSecret[]): Promise<Map<string, Uint8Array>> {
  const values = new Map<string, Uint8Array>();
  for (const s of secrets) {
    const value = s.value;
    if ('content' in value) values.set(s.id, Buffer.from(value.content));
    else
      values.set(
        s.id,
        await readFile(value.file).catch((err: NodeJS.ErrnoException) => {
          throw new ComposeError(
            `build secret "${s.source}": ${err.code === 'ENOENT' ? 'no such file' : err.message}: ${value.file}`,
          );
        }),
      );
  }
  return values;
}

/** Opens a session serving these secrets; close it once the build has ended. */
export async function openBuildSession(
  client: EngineClient,
  name: string,
  secrets: BuildSecret[],
): Promise<BuildSession> {
  const values = await secretValues(secrets);
  const secretsImpl: Partial<ServiceImpl<typeof Secrets>> = {
    getSecret(req) {
      const data = values.get(req.ID);
      // BuildKit reads NotFound as "no such secret" (a `required` mount then fails, an optional one is skipped).
      if (!data) throw new ConnectError(`secret ${req.ID} not found`, Code.NotFound);
      return { data };
    },
  };
  const server = new H2cServer(
    connectNodeAdapter({
      grpc: true,
      connect: false,
      grpcWeb: false,
      routes: (router) => {
        router.service(Secrets, secretsImpl);
        // A descriptor built at run time has no generated types for its implementation to check against.
        router.service(Health, { check: () => ({ status: SERVING }) } as never);
      },
    }),
  );
  const id = randomBytes(16).toString('hex');
  try {
    const { socket } = await client.hijack.session({
      'X-Docker-Expose-Session-Uuid': id,
      'X-Docker-Expose-Session-Name': name,
      'X-Docker-Expose-Session-Sharedkey': randomBytes(16).toString('hex'),
      'X-Docker-Expose-Session-Grpc-Method': SERVED,
    });
    server.serve(socket);
  } catch (err) {
    server.close();
    throw err;
  }
  return { id, close: () => server.close() };
}
