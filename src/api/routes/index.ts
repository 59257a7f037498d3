// Registers every route module on the server. One line per domain.
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { systemRoutes } from './system.js';
import { eventRoutes } from './events.js';
import { imageRoutes } from './images.js';
import { systemDfRoutes } from './system-df.js';
import { containerRoutes } from './containers.js';
import { execRoutes } from './exec.js';
import { volumeRoutes } from './volumes.js';
import { distributionRoutes } from './distribution.js';
import { buildRoutes } from './build.js';
import { containerFileRoutes } from './container-files.js';
import { networkRoutes } from './networks.js';
import { attachRoutes } from './attach.js';
import { swarmRoutes } from './swarm.js';
import { pluginRoutes } from './plugins.js';

export function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  systemRoutes(app, deps.system);
  swarmRoutes(app);
  pluginRoutes(app);
  eventRoutes(app, deps.events);
  imageRoutes(app, deps.images, deps.storageDriver, deps.registry);
  if (deps.registry) distributionRoutes(app, deps.registry);
  systemDfRoutes(app, {
    images: deps.images,
    containers: deps.containers,
    containersPerImage: deps.containersPerImage,
    volumes: deps.volumes,
    buildCache: deps.builder,
  });
  if (deps.containers) containerRoutes(app, deps.containers);
  if (deps.containers) attachRoutes(app, deps.containers);
  if (deps.execs) execRoutes(app, deps.execs);
  if (deps.volumes) volumeRoutes(app, deps.volumes);
  if (deps.builder) buildRoutes(app, deps.builder, deps.buildkitBuild);
  if (deps.containerExtras) containerFileRoutes(app, deps.containerExtras);
  if (deps.networks) networkRoutes(app, deps.networks);
}
