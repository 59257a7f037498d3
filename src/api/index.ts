// The Engine API as one unit: a server with every route registered.
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../lib/logger.js';
import type { ApiDeps } from './deps.js';
import { createApiServer, type ServerIdentity } from './server/create-server.js';
import { registerRoutes } from './routes/index.js';

export type { ApiDeps } from './deps.js';
export { registeredRoutes, type RegisteredRoute } from './server/create-server.js';
export { MAX_API_VERSION, MIN_API_VERSION } from './server/api-version.js';

export function createEngineApi(logger: Logger, identity: ServerIdentity, deps: ApiDeps): FastifyInstance {
  const app = createApiServer(logger, identity);
  registerRoutes(app, deps);
  return app;
}
