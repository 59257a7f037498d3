// Routes for docker cp (HEAD/GET/PUT archive), export, diff, commit, top, stats, pause, unpause and update.
import { finished } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ContainerExtras } from '../../engine/containers/container-extras.js';
import type { ContainerUpdateRequest } from '../../spec/docker/stats.js';
import type { PathStat } from '../../core/containers/container-fs.js';
import { invalidArgument } from '../../core/errdefs.js';
import { bodyStream } from '../server/create-server.js';
import { decodeBody } from '../server/json-body.js';
import { containerUpdateSchema } from '../compat/request-bodies.js';
import { queryBool, queryList, queryString, type Query } from '../server/query.js';
import { requestSignal } from '../server/request-signal.js';

type IdParams = { Params: { id: string }; Querystring: Query };

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

/** Docker's header: base64 of the JSON stat, fields in Go's order. */
const statHeader = (s: PathStat): string =>
  Buffer.from(
    JSON.stringify({ name: s.name, size: s.size, mode: s.mode, mtime: s.mtime, linkTarget: s.linkTarget }),
  ).toString('base64');

function requirePath(req: FastifyRequest<IdParams>): string {
  const path = queryString(req.query, 'path');
  if (!path) throw invalidArgument('path is required');
  return path;
}

export function containerFileRoutes(app: FastifyInstance, extras: ContainerExtras): void {
  const { archive, control, stats, commit } = extras;

  app.head<IdParams>('/containers/:id/archive', async (req, reply) => {
    const stat = await archive.statPath(req.params.id, requirePath(req));
    return reply.header(STAT_HEADER, statHeader(stat)).code(200).send();
  });

  app.get<IdParams>('/containers/:id/archive', { exposeHeadRoute: false }, async (req, reply) => {
    const { stat, tar } = await archive.archive(req.params.id, requirePath(req), { signal: requestSignal(req, reply) });
    return reply.header(STAT_HEADER, statHeader(stat)).type('application/x-tar').send(tar);
  });

  app.put<IdParams>('/containers/:id/archive', async (req, reply) => {
    const body = bodyStream(req);
    try {
      await archive.extract(req.params.id, requirePath(req), body, {
        noOverwriteDirNonDir: queryBool(req.query, 'noOverwriteDirNonDir'),
        copyUIDGID: queryBool(req.query, 'copyUIDGID'),
        signal: requestSignal(req, reply),
      });
    } catch (err) {
      // The client may still be sending: read the rest (for a while) so the connection stays up for the error.
      body.resume();
      await Promise.race([finished(body).catch(() => undefined), new Promise((r) => setTimeout(r, 30_000).unref())]);
      throw err;
    }
    return reply.code(200).send();
  });

  app.get<IdParams>('/containers/:id/export', async (req, reply) => {
    const tar = await archive.export(req.params.id, { signal: requestSignal(req, reply) });
    return reply.type('application/x-tar').send(tar);
  });

  app.get<IdParams>('/containers/:id/changes', async (req) => archive.changes(req.params.id));

  app.post<{ Querystring: Query; Body: Record<string, unknown> | undefined }>('/commit', async (req, reply) => {
    const container = queryString(req.query, 'container');
    if (!container) throw invalidArgument('No container name or ID supplied');
    const body = req.body && typeof req.body === 'object' && Object.keys(req.body).length > 0 ? req.body : undefined;
    const id = await commit.commit({
      container,
      repo: queryString(req.query, 'repo') || undefined,
      tag: queryString(req.query, 'tag') || undefined,
      comment: queryString(req.query, 'comment') || undefined,
      author: queryString(req.query, 'author') || undefined,
      pause: queryBool(req.query, 'pause', true),
      changes: queryList(req.query, 'changes').filter((c) => c.trim() !== ''),
      config: body as never,
      signal: requestSignal(req, reply),
    });
    return reply.code(201).send({ Id: id });
  });

  app.get<IdParams>('/containers/:id/top', async (req, reply) =>
    control.top(req.params.id, queryString(req.query, 'ps_args') ?? '', { signal: requestSignal(req, reply) }),
  );

  app.post<IdParams>('/containers/:id/pause', async (req, reply) => {
    await control.pause(req.params.id);
    return reply.code(204).send();
  });

  app.post<IdParams>('/containers/:id/unpause', async (req, reply) => {
    await control.unpause(req.params.id);
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string }; Querystring: Query; Body: unknown }>('/containers/:id/update', async (req) =>
    control.update(
      req.params.id,
      decodeBody(containerUpdateSchema, req.body, 'UpdateConfig') as ContainerUpdateRequest,
    ),
  );

  app.get<IdParams>('/containers/:id/stats', async (req, reply) => {
    const signal = requestSignal(req, reply);
    const stream = queryBool(req.query, 'stream', true);
    const records = stats.open(req.params.id, { stream, oneShot: queryBool(req.query, 'one-shot'), signal });
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), 'Content-Type': 'application/json' });
    res.flushHeaders();
    try {
      for await (const record of records) {
        if (res.destroyed) break;
        res.write(`${JSON.stringify(record)}\n`);
      }
    } finally {
      res.end();
    }
  });
}
