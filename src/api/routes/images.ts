// Image routes: parse, call the image service, reply in Docker's shapes (progress as JSON lines).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ImageService } from '../../engine/images/image-service.js';
import { saveArchive } from '../../engine/images/save-archive.js';
import { invalidArgument, notImplemented } from '../../core/errdefs.js';
import { decodeName, queryBool, queryFilters, queryList, queryString, type Query } from '../server/query.js';
import { bodyStream } from '../server/create-server.js';
import { toImageHistory, toImageInspect, toImageSummary } from '../compat/image-json.js';
import type { RegistryImages } from '../../engine/images/registry-images.js';
import { pullRoute, pushRoute } from './distribution.js';
import { requestSignal } from '../server/request-signal.js';
import { credentialsFromHeader } from '../compat/registry-auth.js';
import { errorMessage } from '../../core/remotes/progress-message.js';

function jsonLines(reply: FastifyReply, lines: object[]): FastifyReply {
  return reply.type('application/json').send(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

export function imageRoutes(
  app: FastifyInstance,
  images: ImageService,
  storageDriver: string,
  registry?: RegistryImages,
): void {
  app.get<{ Querystring: Query }>('/images/json', async (req) => {
    const views = await images.list({ all: queryBool(req.query, 'all'), filters: queryFilters(req.query) });
    return views.map((v) => toImageSummary(v, req.apiVersion));
  });

  // As dockerd's: 200 whatever the archive holds; a load that fails (nothing kept) is an errorDetail line, which
  // `docker load` prints before it exits 1 and docker-py raises as ImageLoadError.
  app.post<{ Querystring: Query }>('/images/load', async (req, reply) => {
    const body = bodyStream(req);
    let lines: string[];
    try {
      lines = await images.load(body, { signal: requestSignal(req, reply) });
    } catch (err) {
      return jsonLines(reply, [errorMessage(err instanceof Error ? err.message : String(err))]);
    }
    return jsonLines(
      reply,
      lines.map((l) => ({ stream: `${l}\n` })),
    );
  });

  app.post<{ Querystring: Query }>('/images/create', async (req, reply) => {
    const fromSrc = queryString(req.query, 'fromSrc');
    const fromImage = queryString(req.query, 'fromImage');
    if (fromSrc === undefined && fromImage && registry)
      return pullRoute(registry, req, reply, fromImage, requestSignal(req, reply));
    if (fromSrc === undefined) throw notImplemented('pulling images from a registry is not supported');
    if (fromSrc !== '-') throw notImplemented('importing from a URL is not supported');
    const id = await images.importRootfs(bodyStream(req), {
      repo: queryString(req.query, 'repo') || undefined,
      tag: queryString(req.query, 'tag') || undefined,
      changes: queryList(req.query, 'changes'),
      message: queryString(req.query, 'message'),
      signal: requestSignal(req, reply),
    });
    return jsonLines(reply, [{ status: id }]);
  });

  app.get<{ Querystring: Query }>('/images/get', async (req, reply) => {
    const names = queryList(req.query, 'names');
    if (names.length === 0) throw invalidArgument('no images specified');
    return sendArchive(reply, images, names);
  });

  app.post<{ Querystring: Query }>('/images/prune', async (req) => images.prune(queryFilters(req.query)));

  app.get<{ Querystring: Query }>('/images/search', async (req, reply) => {
    if (!registry) throw notImplemented('image search needs the registry client');
    const options = {
      limit: queryString(req.query, 'limit'),
      filters: queryFilters(req.query),
      credentials: credentialsFromHeader(req.headers['x-registry-auth']),
      signal: requestSignal(req, reply),
    };
    return registry.search(queryString(req.query, 'term') ?? '', options);
  });

  // Names contain slashes (registry/team/app:tag), so the name is everything before the last path segment.
  app.get<{ Params: { '*': string }; Querystring: Query }>('/images/*', async (req, reply) => {
    const path = req.params['*'];
    const cut = path.lastIndexOf('/');
    const name = decodeName(path.slice(0, cut));
    const action = path.slice(cut + 1);
    if (cut < 0 || !name) throw invalidArgument('no image name');
    if (action === 'json') return toImageInspect(await images.view(images.find(name)), storageDriver, req.apiVersion);
    if (action === 'history') {
      const image = images.find(name);
      return toImageHistory(await images.view(image), images.ancestors(image.id));
    }
    if (action === 'get') return sendArchive(reply, images, [name]);
    return reply.callNotFound();
  });

  app.post<{ Params: { '*': string }; Querystring: Query }>('/images/*', async (req, reply) => {
    const path = req.params['*'];
    const cut = path.lastIndexOf('/');
    const name = decodeName(path.slice(0, cut));
    if (cut >= 0 && name && path.slice(cut + 1) === 'push' && registry)
      return pushRoute(registry, req, reply, name, requestSignal(req, reply));
    if (cut < 0 || path.slice(cut + 1) !== 'tag') return reply.callNotFound();
    const repo = queryString(req.query, 'repo');
    if (!repo) throw invalidArgument('repository name must have at least one component');
    await images.tag(name, repo, queryString(req.query, 'tag') || undefined);
    return reply.code(201).send();
  });

  app.delete<{ Params: { '*': string }; Querystring: Query }>('/images/*', async (req) =>
    images.remove(decodeName(req.params['*']), {
      force: queryBool(req.query, 'force'),
      noprune: queryBool(req.query, 'noprune'),
    }),
  );
}

async function sendArchive(reply: FastifyReply, images: ImageService, names: string[]): Promise<FastifyReply> {
  const entries = await images.saveEntries(names);
  return reply.type('application/x-tar').send(saveArchive(images.content(), entries));
}
