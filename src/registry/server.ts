// The OCI distribution server: a Fastify app serving /v2/ (distribution spec v1.1), the token endpoint
// when bearer auth is on, and `POST /_berth/gc` (an online garbage collection on demand). Bodies stay
// streams: blobs are never buffered, manifests are read up to their size limit.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { ContentStore } from '../core/content/content-store.js';
import type { RegistryIndex } from '../core/registry-server/registry-index.js';
import { KeyedMutex } from '../lib/keyed-mutex.js';
import type { Logger } from '../lib/logger.js';
import { ALLOW_ALL, accessFor, type Grant } from './auth/access.js';
import { RegistryAuth, type AuthOptions } from './auth/registry-auth.js';
import { deleteBlob, getBlob } from './blobs.js';
import type { Handler, RegistryContext } from './context.js';
import { RegistryError, registryError } from './errors.js';
import { GarbageCollector, type GcOptions } from './gc.js';
import { catalog, listTags, referrers } from './listing.js';
import { deleteManifest, getManifest, putManifest } from './manifests.js';
import { matchRoute, type RegistryRoute } from './router.js';
import { cancelUpload, finishUpload, patchUpload, startUpload, uploadStatus } from './uploads.js';
import { UploadFiles } from './upload-files.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Whether the caller may pull from another repository (cross-repository mounts). */
    registryMayPull(repo: string): boolean;
  }
}

export interface RegistryServerOptions {
  content: ContentStore;
  index: RegistryIndex;
  /** Where upload sessions stage their bytes (`<registry root>/uploads`). */
  uploadsDir: string;
  logger: Logger;
  auth?: AuthOptions;
  /** Largest manifest accepted; distribution's default is 4 MiB. */
  maxManifestBytes?: number;
  gc?: Partial<GcOptions>;
}

export interface RegistryServer {
  app: FastifyInstance;
  gc: GarbageCollector;
}

type AnyHandler = Handler<never>;
const HANDLERS: { [K in RegistryRoute['kind']]: Partial<Record<string, AnyHandler>> } = {
  base: {},
  catalog: { GET: catalog as AnyHandler },
  tags: { GET: listTags as AnyHandler },
  manifest: {
    GET: getManifest as AnyHandler,
    HEAD: getManifest as AnyHandler,
    PUT: putManifest as AnyHandler,
    DELETE: deleteManifest as AnyHandler,
  },
  blob: { GET: getBlob as AnyHandler, HEAD: getBlob as AnyHandler, DELETE: deleteBlob as AnyHandler },
  uploads: { POST: startUpload as AnyHandler },
  upload: {
    GET: uploadStatus as AnyHandler,
    PATCH: patchUpload as AnyHandler,
    PUT: finishUpload as AnyHandler,
    DELETE: cancelUpload as AnyHandler,
  },
  referrers: { GET: referrers as AnyHandler },
};

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function createRegistryServer(options: RegistryServerOptions): RegistryServer {
  const logger = options.logger.child({ component: 'registry' });
  const ctx: RegistryContext = {
    content: options.content,
    index: options.index,
    uploads: new UploadFiles(options.uploadsDir),
    locks: new KeyedMutex(),
    logger,
    maxManifestBytes: options.maxManifestBytes ?? 4 * 1024 * 1024,
  };
  const gc = new GarbageCollector(ctx, {
    graceMs: options.gc?.graceMs ?? 60 * 60_000,
    uploadTtlMs: options.gc?.uploadTtlMs ?? 24 * 60 * 60_000,
  });
  const auth = new RegistryAuth(options.auth ?? {});

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreDuplicateSlashes: true, maxParamLength: 2048 },
    exposeHeadRoutes: false,
    forceCloseConnections: true,
    requestTimeout: 0,
  });
  app.decorateRequest('registryMayPull', () => true);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.addHook('onRequest', async (_req, reply) => {
    reply.header('Docker-Distribution-API-Version', 'registry/2.0');
  });

  app.setErrorHandler(async (err, req, reply) => {
    const known = err instanceof RegistryError ? err : undefined;
    const status =
      known?.status ??
      ((err as { statusCode?: number }).statusCode && (err as { statusCode: number }).statusCode < 500
        ? (err as { statusCode: number }).statusCode
        : 500);
    if (status >= 500) req.log.error({ err }, 'registry request failed');
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    const body = known?.body() ?? {
      errors: [
        {
          code: status >= 500 ? 'UNKNOWN' : 'UNSUPPORTED',
          message: err instanceof Error ? err.message : String(err),
          detail: null,
        },
      ],
    };
    for (const [k, v] of Object.entries(known?.headers ?? {})) reply.header(k, v);
    return reply.code(status).type('application/json').send(body);
  });

  const grantOf = async (req: FastifyRequest, route: RegistryRoute): Promise<Grant> =>
    auth.enabled ? auth.authorize(req, accessFor(route, req.method)) : ALLOW_ALL;

  app.route({
    method: [...METHODS],
    url: '/v2/*',
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const route = matchRoute(req.url.split('?')[0] as string);
      if (!route) throw registryError('UNSUPPORTED', 'no such endpoint', { path: req.url }, 404);
      const grant = await grantOf(req, route);
      req.registryMayPull = (repo) => grant.allows('repository', repo, 'pull');
      if (route.kind === 'base') return reply.type('application/json').send('{}');
      const handler = HANDLERS[route.kind][req.method];
      if (!handler) throw registryError('UNSUPPORTED', `${req.method} is not supported here`, null, 405);
      return handler(ctx, route as never, req, reply);
    },
  });
  app.route({
    method: ['GET', 'HEAD'],
    url: '/v2',
    handler: async (req, reply) => {
      await grantOf(req, { kind: 'base' });
      return reply.type('application/json').send('{}');
    },
  });

  if (auth.tokenService !== undefined) {
    app.get('/token', async (req) => auth.issueToken(req, req.query as Record<string, string | string[]>));
    app.post('/token', async (req) =>
      auth.issueToken(req, Object.fromEntries(new URLSearchParams(await readText(req)))),
    );
  }

  app.post('/_berth/gc', async (req) => {
    if (auth.enabled) await auth.authorize(req, [{ type: 'registry', name: 'gc', actions: ['*'] }]);
    return gc.collect();
  });

  return { app, gc };
}

async function readText(req: FastifyRequest): Promise<string> {
  const body = req.body as AsyncIterable<Buffer> | undefined;
  if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') return '';
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of body) {
    total += c.length;
    if (total > 64 * 1024) throw registryError('SIZE_INVALID', 'request too large');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}
