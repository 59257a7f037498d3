// Container routes: parse the request, call one service method, reply in Docker's shape.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ContainersApi, LogEntry } from '../../engine/containers/types.js';
import type { ContainerCreateRequest } from '../../spec/docker/containers.js';
import { conflict, invalidArgument, withPrefix } from '../../core/errdefs.js';
import { queryBool, queryFilters, queryInt, queryString, type Query } from '../server/query.js';
import { logsTail, logsTimestampNano } from '../../core/runtime/log-query.js';
import { frame, STDERR, STDOUT } from '../compat/stdcopy.js';
import { MULTIPLEXED_STREAM, RAW_STREAM } from '../server/hijack.js';
import { compareApiVersions } from '../server/api-version.js';
import { requestSignal } from '../server/request-signal.js';
import { decodeBody } from '../server/json-body.js';
import { containerCreateSchema } from '../compat/request-bodies.js';
import { toContainerInspect, toContainerSummary } from '../compat/container-json.js';
import { BatchedWrites } from '../server/batched-writes.js';

type IdParams = { Params: { id: string }; Querystring: Query };

/** One entry as the logs and attach streams send it: `<time> ` (timestamps), then `--details`' prefix, then the line. */
export function encodeEntry(entry: LogEntry, tty: boolean, timestamps: boolean, details?: string): Buffer {
  const prefix = `${timestamps ? `${entry.time} ` : ''}${details ?? ''}`;
  const data = prefix ? Buffer.concat([Buffer.from(prefix), entry.data]) : entry.data;
  return tty ? data : frame(entry.stream === 'stderr' ? STDERR : STDOUT, data);
}

export const streamType = (req: FastifyRequest, tty: boolean): string =>
  tty || compareApiVersions(req.apiVersion, '1.42') < 0 ? RAW_STREAM : MULTIPLEXED_STREAM;

export function containerRoutes(app: FastifyInstance, containers: ContainersApi): void {
  app.post<{ Querystring: Query; Body: ContainerCreateRequest | undefined }>(
    '/containers/create',
    async (req, reply) => {
      if (!req.body || typeof req.body !== 'object')
        throw invalidArgument('config cannot be empty in order to create a container');
      const name = queryString(req.query, 'name') || undefined;
      const body = decodeBody(containerCreateSchema, req.body, 'Config') as ContainerCreateRequest;
      const { id, warnings } = await containers.create(body, name, { signal: requestSignal(req, reply) });
      return reply.code(201).send({ Id: id, Warnings: warnings });
    },
  );

  app.get<{ Querystring: Query }>('/containers/json', async (req) => {
    const views = await containers.list({
      all: queryBool(req.query, 'all'),
      limit: queryInt(req.query, 'limit'),
      size: queryBool(req.query, 'size'),
      filters: queryFilters(req.query),
    });
    return views.map((v) =>
      toContainerSummary(v.record, v.size, v.ports, v.network ? { settings: v.network } : undefined, v.image),
    );
  });

  app.get<IdParams>('/containers/:id/json', async (req) => {
    const view = await containers.inspect(req.params.id, { size: queryBool(req.query, 'size') });
    return toContainerInspect(
      view.record,
      req.apiVersion,
      view.size,
      view.network ? { settings: view.network } : undefined,
      view.execIds,
    );
  });

  app.post<IdParams>('/containers/:id/start', async (req, reply) => {
    const started = await containers.start(req.params.id, { signal: requestSignal(req, reply) });
    return reply.code(started ? 204 : 304).send();
  });

  app.post<IdParams>('/containers/:id/stop', async (req, reply) => {
    const stopped = await containers.stop(req.params.id, {
      timeoutSeconds: queryInt(req.query, 't'),
      signal: queryString(req.query, 'signal') || undefined,
    });
    return reply.code(stopped ? 204 : 304).send();
  });

  app.post<IdParams>('/containers/:id/restart', async (req, reply) => {
    await containers.restart(req.params.id, {
      timeoutSeconds: queryInt(req.query, 't'),
      signal: queryString(req.query, 'signal') || undefined,
    });
    return reply.code(204).send();
  });

  app.post<IdParams>('/containers/:id/kill', async (req, reply) => {
    // Docker's router wraps every refusal with the name as the client gave it.
    await containers
      .kill(req.params.id, queryString(req.query, 'signal') || undefined)
      .catch((err: unknown) => Promise.reject(withPrefix(err, `Cannot kill container: ${req.params.id}`)));
    return reply.code(204).send();
  });

  app.post<IdParams>('/containers/:id/wait', async (req, reply) => {
    const condition = queryString(req.query, 'condition') || 'not-running';
    if (!['not-running', 'next-exit', 'removed'].includes(condition))
      throw invalidArgument(`invalid condition: "${condition}"`);
    const abort = requestSignal(req, reply);
    const { ready, result } = containers.wait(req.params.id, condition as 'not-running', { signal: abort });
    // When the wait cannot be set up both promises reject; the route answers ready's error, so result's must not go unhandled.
    result.catch(() => undefined);
    await ready;
    // Headers go out at once so the client knows the wait is in place before it starts the container.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), 'Content-Type': 'application/json' });
    res.flushHeaders();
    // A client that leaves gets no answer: its waiter is dropped and its connection closed, not kept until the exit.
    const leave = (): void => void res.destroy();
    if (abort.aborted) return leave();
    abort.addEventListener('abort', leave, { once: true });
    try {
      res.end(`${JSON.stringify(await result)}\n`);
    } catch (err) {
      res.end(`${JSON.stringify({ StatusCode: -1, Error: { Message: (err as Error).message } })}\n`);
    }
  });

  app.delete<IdParams>('/containers/:id', async (req, reply) => {
    // ?link=1 removes a legacy link (/containers/{id}/{alias}); a container's own name is no link, and nothing is removed.
    if (queryBool(req.query, 'link')) throw conflict('Conflict, cannot remove the default link name of the container');
    await containers.remove(req.params.id, {
      force: queryBool(req.query, 'force'),
      volumes: queryBool(req.query, 'v'),
    });
    return reply.code(204).send();
  });

  app.get<IdParams>('/containers/:id/logs', async (req, reply) => {
    const q = req.query;
    const stdout = queryBool(q, 'stdout');
    const stderr = queryBool(q, 'stderr');
    if (!stdout && !stderr) throw invalidArgument('Bad parameters: you must choose at least one stream');
    const since = queryString(q, 'since');
    const until = queryString(q, 'until');
    const { tty, details, entries } = await containers.logs(req.params.id, {
      stdout,
      stderr,
      follow: queryBool(q, 'follow'),
      sinceNano: since ? logsTimestampNano(since) : 0n,
      untilNano: until && until !== '0' ? logsTimestampNano(until) : undefined,
      tail: logsTail(queryString(q, 'tail')),
      signal: requestSignal(req, reply),
    });
    await streamEntries(
      req,
      reply,
      entries,
      tty,
      queryBool(q, 'timestamps'),
      queryBool(q, 'details') ? details : undefined,
    );
  });

  app.post<IdParams>('/containers/:id/rename', async (req, reply) => {
    const name = queryString(req.query, 'name');
    if (!name) throw invalidArgument('Neither old nor new names may be empty');
    await containers.rename(req.params.id, name);
    return reply.code(204).send();
  });

  app.post<{ Querystring: Query }>('/containers/prune', async (req) => containers.prune(queryFilters(req.query)));
}

async function streamEntries(
  req: FastifyRequest,
  reply: FastifyReply,
  entries: AsyncIterable<LogEntry>,
  tty: boolean,
  timestamps: boolean,
  details?: string,
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), 'Content-Type': streamType(req, tty) });
  res.flushHeaders();
  const out = new BatchedWrites(res);
  try {
    for await (const entry of entries) {
      if (res.destroyed) break;
      const full = out.write(encodeEntry(entry, tty, timestamps, details));
      if (full) await full;
    }
    await out.flush();
  } finally {
    res.end();
  }
}
