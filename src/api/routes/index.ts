// Registers every route module on the server. One line per domain.
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { systemRoutes } from './system.js';

export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  systemRoutes(app, deps.system);
}
