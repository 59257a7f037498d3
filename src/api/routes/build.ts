// POST /build (the classic builder's protocol: context tar in, JSON lines out) and POST /build/prune.
// Errors before the first progress line are ordinary API errors; after it, an in-band errorDetail line
// whose code the docker CLI exits with.
import type { FastifyInstance } from 'fastify';
import { invalidArgument, notImplemented } from '../../core/errdefs.js';
import type { Builder } from '../../builder/builder.js';
import { BuildError, type BuildMessage, type BuildRequest } from '../../builder/ports.js';
import { queryBool, queryList, queryString, type Query } from '../server/query.js';
import { bodyStream } from '../server/create-server.js';

function jsonMap<T>(q: Query, key: string): Record<string, T> {
  const raw = queryString(q, key);
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, T>;
  } catch {
    throw invalidArgument(`invalid ${key} parameter: ${raw}`);
  }
}

function buildRequest(q: Query): BuildRequest {
  if (queryString(q, 'remote')) throw notImplemented('building from a remote context is not supported');
  if (queryList(q, 'securityopt').length > 0) throw invalidArgument('The daemon on this platform does not support setting security options on build');
  return {
    dockerfile: queryString(q, 'dockerfile') || undefined,
    tags: queryList(q, 't').filter(Boolean),
    buildArgs: jsonMap<string | null>(q, 'buildargs'),
    labels: jsonMap<string>(q, 'labels'),
    target: queryString(q, 'target') || undefined,
    noCache: queryBool(q, 'nocache'),
    networkMode: queryString(q, 'networkmode') || undefined,
    quiet: queryBool(q, 'q'),
  };
}

export function buildRoutes(app: FastifyInstance, builder: Builder): void {
  app.post<{ Querystring: Query }>('/build', async (req, reply) => {
    const request = buildRequest(req.query);
    const abort = new AbortController();
    const onClose = (): void => abort.abort();
    // Removed when the build is over: a keep-alive connection outlives it and must not collect listeners.
    req.raw.socket.once('close', onClose);
    reply.raw.once('finish', () => req.raw.socket.off('close', onClose));
    let started = false;
    const write = (m: object): void => {
      if (!started) {
        started = true;
        reply.hijack();
        reply.raw.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), 'Content-Type': 'application/json' });
      }
      reply.raw.write(`${JSON.stringify(m)}\r\n`);
    };
    try {
      await builder.build(bodyStream(req), request, (m: BuildMessage) => write(m), { signal: abort.signal });
    } catch (err) {
      if (!started) throw err;
      const message = err instanceof Error ? err.message : String(err);
      write({ errorDetail: { code: err instanceof BuildError ? err.code : 1, message }, error: message });
    }
    if (!started) return reply.code(200).type('application/json').send('');
    reply.raw.end();
    return reply;
  });

  app.post('/build/prune', async () => builder.prune());
  app.post('/build/cancel', async () => ({}));
}
