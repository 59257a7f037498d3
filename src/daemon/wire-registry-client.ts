// The registry client (pull, push, login) wired over the image store.
import type { Logger } from '../lib/logger.js';
import type { EventPublisher } from '../core/events/event.js';
import { HttpRegistryClient } from '../drivers/registry-client/index.js';
import type { ImageService } from '../engine/images/image-service.js';
import { RegistryImages } from '../engine/images/registry-images.js';
import type { DaemonConfig } from './config.js';

export function wireRegistryClient(
  config: DaemonConfig,
  logger: Logger,
  events: EventPublisher,
  images: ImageService,
): RegistryImages {
  const registry = new HttpRegistryClient({
    insecureRegistries: config.insecureRegistries,
    blockedRegistries: config.blockedRegistries,
    hostsDir: config.registryConfigDir,
    registryMirrors: config.registryMirrors,
  });
  return new RegistryImages({ images, registry, events, logger: logger.child({ component: 'registry-client' }) });
}
