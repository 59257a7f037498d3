// Swarm-mode routes on an engine that is never part of a swarm: Docker's answers outside swarm mode (503 with
// its messages) for /swarm, /nodes, /services, /tasks, /secrets and /configs, so clients' clean-up code, which
// expects them, works. Updates check their `version` first, as Docker does (400 before 503).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidArgument, unavailable } from '../../core/errdefs.js';
import { queryBool, queryString, type Query } from '../server/query.js';

export const NOT_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
export const NO_SWARM = 'This node is not part of a swarm';
const NO_SWARM_MODE = 'This node is not part of a swarm: berth does not support swarm mode';

type Req = FastifyRequest<{ Querystring: Query }>;

const notManager = async (): Promise<never> => Promise.reject(unavailable(NOT_MANAGER));

/** Docker's `?version=` check on updates: strconv.ParseUint's message for what is not a number. */
function checkVersion(req: Req, what: string, plain = false): void {
  const v = queryString(req.query, 'version') ?? '';
  if (/^\d+$/.test(v)) return;
  throw invalidArgument(
    plain
      ? `invalid ${what} version`
      : `invalid ${what} version '${v}': strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`,
  );
}

/** Logs of a service or task: at least one stream, as Docker asks (a 400 here, where Docker answers 500). */
function checkStreams(req: Req): void {
  if (!queryBool(req.query, 'stdout') && !queryBool(req.query, 'stderr'))
    throw invalidArgument('Bad parameters: you must choose at least one stream');
}

export function swarmRoutes(app: FastifyInstance): void {
  app.get('/swarm', notManager);
  app.get('/swarm/unlockkey', notManager);
  app.post('/swarm/unlock', notManager);
  app.post('/swarm/init', async () =>
    Promise.reject(unavailable(`${NO_SWARM_MODE} ("docker swarm init" is not available)`)),
  );
  app.post('/swarm/join', async () =>
    Promise.reject(unavailable(`${NO_SWARM_MODE} ("docker swarm join" is not available)`)),
  );
  app.post('/swarm/leave', async () => Promise.reject(unavailable(NO_SWARM)));
  app.post<{ Querystring: Query }>('/swarm/update', async (req) => {
    checkVersion(req, 'swarm');
    return notManager();
  });

  for (const [kind, noun, plainVersion] of [
    ['nodes', 'node', false],
    ['services', 'service', false],
    ['secrets', 'secret', true],
    ['configs', 'config', true],
  ] as const) {
    app.get(`/${kind}`, notManager);
    app.get(`/${kind}/:id`, notManager);
    app.delete(`/${kind}/:id`, notManager);
    app.post<{ Querystring: Query }>(`/${kind}/:id/update`, async (req) => {
      checkVersion(req, noun, plainVersion);
      return notManager();
    });
    if (kind !== 'nodes') app.post(`/${kind}/create`, notManager);
  }
  app.get('/tasks', notManager);
  app.get('/tasks/:id', notManager);
  for (const kind of ['services', 'tasks']) {
    app.get<{ Querystring: Query }>(`/${kind}/:id/logs`, async (req) => {
      checkStreams(req);
      return notManager();
    });
  }
}
