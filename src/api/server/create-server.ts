// The Engine API HTTP server: version prefixes, Docker's headers, error shape, raw bodies.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { Logger } from '../../lib/logger.js';
import { invalidArgument, notFound } from '../../core/errdefs.js';
import { checkApiVersion, splitVersionedPath, MAX_API_VERSION } from './api-version.js';
import { errorReply } from './error-status.js';
import { lazySchemaCompilers } from './lazy-schema-compilers.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The version the client asked for in the path, or the newest served. */
    apiVersion: string;
  }
}

export interface ServerIdentity {
  /** Version string shown in the Server header, e.g. "0.1.0". */
  engineVersion: string;
}

export function createApiServer(logger: Logger, identity: ServerIdentity): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ component: 'api' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024 * 1024,
    // Version prefixes are stripped before routing; the version is checked in onRequest.
    rewriteUrl: (req) => splitVersionedPath(req.url ?? '/').path,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 1024 },
    return503OnClosing: false,
    exposeHeadRoutes: false,
    forceCloseConnections: true,
    schemaController: { compilersFactory: lazySchemaCompilers },
  });

  // Docker clients half-close hijacked connections (attach without stdin) and keep reading: let them.
  (app.server as unknown as { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;

  app.decorateRequest('apiVersion', '');
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  routeLists.set(app, routes);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('Api-Version', MAX_API_VERSION);
    reply.header('Server', `Docker/${identity.engineVersion} (linux) berth`);
    reply.header('Ostype', 'linux');
    reply.header('Docker-Experimental', 'false');
    const original = req.originalUrl ?? req.url;
    const { version } = splitVersionedPath(original);
    if (version !== undefined) checkApiVersion(version);
    req.apiVersion = version ?? MAX_API_VERSION;
  });

  // Docker clients compare Content-Type to exactly "application/json".
  app.addHook('onSend', async (_req, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json;'))
      reply.header('content-type', 'application/json');
    return payload;
  });

  // JSON bodies may be empty (clients send none on many POSTs); other bodies stay streams for the route.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const err = new Error(`invalid JSON: ${text.slice(0, 100)}`) as Error & { statusCode: number };
      err.statusCode = 400;
      done(err);
    }
  });
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.setErrorHandler(async (err, req, reply) => {
    const { status, body } = errorReply(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    return reply.code(status).type('application/json').send(body);
  });

  app.setNotFoundHandler(async () => {
    throw notFound('page not found');
  });

  return app;
}

export interface RegisteredRoute {
  method: string;
  /** Fastify's pattern: "/containers/:id/json", "/images/*". */
  url: string;
}

const routeLists = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route the server serves, as registered (the contract tests and the fuzz walk this list). */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  return [...(routeLists.get(app) ?? [])];
}

/**
 * The request body as a byte stream (tar uploads and the like). A body sent as JSON was already read and parsed,
 * so there is no stream left to give: refuse it at once (waiting on the spent stream would hang the request).
 */
export function bodyStream(req: FastifyRequest): Readable {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (type === 'application/json')
    throw invalidArgument('this endpoint takes a tar archive, not a JSON body (Content-Type: application/json)');
  return req.raw;
}
