// POST /build (the classic builder's protocol: context tar in, JSON lines out) and POST /build/prune.
// Errors before the first progress line are ordinary API errors; after it, an in-band errorDetail line
// whose code the docker CLI exits with.
import type { FastifyInstance } from 'fastify';
import { invalidArgument } from '../../core/errdefs.js';
import type { Builder } from '../../builder/builder.js';
import { BuildError, type BuildMessage } from '../../builder/ports.js';
import { queryFilters, queryInt, queryString, type Query } from '../server/query.js';
import { buildkitProtocol, buildRequest } from './build-request.js';
import type { BuildkitBuild } from '../deps.js';
import { bodyStream } from '../server/create-server.js';
import { requestSignal } from '../server/request-signal.js';

export function buildRoutes(app: FastifyInstance, builder: Builder, buildkitBuild?: BuildkitBuild): void {
  app.post<{ Querystring: Query }>('/build', async (req, reply) => {
    const request = buildRequest(req.query, req.headers);
    const buildkit = buildkitProtocol(req.query);
    if (buildkit && !buildkitBuild) throw invalidArgument('buildkit is not enabled on daemon');
    const signal = requestSignal(req, reply);
    let started = false;
    const write = (m: object): void => {
      if (!started) {
        started = true;
        reply.hijack();
        reply.raw.writeHead(200, {
          ...(reply.getHeaders() as Record<string, string>),
          'Content-Type': 'application/json',
        });
      }
      reply.raw.write(`${JSON.stringify(m)}\r\n`);
    };
    try {
      if (buildkit && buildkitBuild) await buildkitBuild(bodyStream(req), request, buildkit.session, write, { signal });
      else await builder.build(bodyStream(req), request, (m: BuildMessage) => write(m), { signal });
    } catch (err) {
      if (!started) throw err;
      const message = err instanceof Error ? err.message : String(err);
      // BuildKit's errors carry no code (dockerd's version=2 stream has none either).
      if (buildkit) write({ errorDetail: { message }, error: message });
      else write({ errorDetail: { code: err instanceof BuildError ? err.code : 1, message }, error: message });
    }
    if (!started) return reply.code(200).type('application/json').send('');
    reply.raw.end();
    return reply;
  });

  app.post<{ Querystring: Query }>('/build/prune', async (req) => {
    const pruned = await builder.prune(queryFilters(req.query), { keepBytes: queryInt(req.query, 'keep-storage', 0) });
    return { CachesDeleted: pruned.CachesDeleted, SpaceReclaimed: pruned.SpaceReclaimed };
  });
  // dockerd answers 200 with an empty body, whether or not a build had that id.
  app.post<{ Querystring: Query }>('/build/cancel', async (req, reply) => {
    const id = queryString(req.query, 'id');
    if (!id) throw invalidArgument('build ID not provided');
    builder.cancel(id);
    return reply.code(200).type('application/json').send('');
  });
}
