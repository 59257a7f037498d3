// GET /events: a stream of JSON events; headers flushed at once, history replayed for `since`.
import type { FastifyInstance } from 'fastify';
import type { EventLog } from '../../engine/events/event-log.js';
import { invalidArgument } from '../../core/errdefs.js';
import { queryFilters, queryString, type Query } from '../server/query.js';
import { timeFilterNano } from '../../core/filters/filter-args.js';
import { eventLine } from '../compat/event-json.js';
import { requestSignal } from '../server/request-signal.js';
import type { EngineEvent } from '../../core/events/event.js';

export function eventRoutes(app: FastifyInstance, events: EventLog): void {
  app.get('/events', async (req, reply) => {
    const query = req.query as Query;
    // Docker takes any filter key (one it does not know filters nothing out).
    const filters = queryFilters(query);
    const sinceRaw = queryString(query, 'since');
    const untilRaw = queryString(query, 'until');
    const since = sinceRaw ? timeFilterNano(sinceRaw) : undefined;
    const until = untilRaw ? timeFilterNano(untilRaw) : undefined;
    if (until !== undefined && until > 0n && until < (since ?? 0n))
      throw invalidArgument(`\`since\` time (${sinceRaw ?? ''}) cannot be after \`until\` time (${untilRaw ?? ''})`);

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), 'Content-Type': 'application/json' });
    res.flushHeaders();
    const write = (e: EngineEvent): void => void res.write(eventLine(e));

    const sub = events.subscribe(filters, write, since, until);
    sub.backlog.forEach(write);
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      sub.close();
      if (timer) clearTimeout(timer);
      res.end();
    };
    requestSignal(req, reply).addEventListener('abort', finish, { once: true });
    if (until !== undefined) {
      const waitMs = Number(until / 1_000_000n) - Date.now();
      if (waitMs <= 0) finish();
      else timer = setTimeout(finish, waitMs);
    }
  });
}
