// Registry routes: pull (`POST /images/create?fromImage`, called from images.ts), push
// (`POST /images/{name}/push`, idem), `POST /auth`, `GET /distribution/{name}/json`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RegistryImages } from '../../engine/images/registry-images.js';
import { invalidArgument } from '../../core/errdefs.js';
import { decodeName, queryString, type Query } from '../server/query.js';
import { streamProgress } from '../compat/progress-stream.js';
import { credentialsFromHeader, credentialsOf, parseAuthBody } from '../compat/registry-auth.js';

export function pullRoute(
  registry: RegistryImages,
  req: FastifyRequest<{ Querystring: Query }>,
  reply: FastifyReply,
  fromImage: string,
  signal: AbortSignal,
): Promise<FastifyReply> {
  const credentials = credentialsFromHeader(req.headers['x-registry-auth']);
  const tag = queryString(req.query, 'tag') || undefined;
  const platform = queryString(req.query, 'platform') || undefined;
  return streamProgress(reply, (progress) =>
    registry.pull(fromImage, tag, { platform, credentials, signal, progress }),
  );
}

export function pushRoute(
  registry: RegistryImages,
  req: FastifyRequest<{ Querystring: Query }>,
  reply: FastifyReply,
  name: string,
  signal: AbortSignal,
): Promise<FastifyReply> {
  const credentials = credentialsFromHeader(req.headers['x-registry-auth']);
  const tag = queryString(req.query, 'tag') || undefined;
  return streamProgress(reply, (progress) => registry.push(name, tag, { credentials, signal, progress }));
}

export function distributionRoutes(app: FastifyInstance, registry: RegistryImages): void {
  app.post<{ Body: unknown }>('/auth', async (req) => {
    const body = parseAuthBody(req.body);
    const credentials = credentialsOf(body);
    if (!credentials) throw invalidArgument('no credentials given');
    return registry.login(body.serveraddress, credentials);
  });

  app.get<{ Params: { '*': string } }>('/distribution/*', async (req, reply) => {
    const path = req.params['*'];
    if (!path.endsWith('/json')) return reply.callNotFound();
    const name = decodeName(path.slice(0, -'/json'.length));
    return registry.distribution(name, { credentials: credentialsFromHeader(req.headers['x-registry-auth']) });
  });
}
