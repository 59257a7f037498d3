// What the CRI server is given by the daemon: engine use cases (never api/), and a few facts about the node.
import type { Logger } from '../lib/logger.js';
import type { ImageService } from '../engine/images/image-service.js';
import type { RegistryImages } from '../engine/images/registry-images.js';

export interface CriDeps {
  images: ImageService;
  /** Pulls through berth's registry client (the Engine API's pull use case). */
  registry: RegistryImages;
  /** berth's version, answered as the runtime's version. */
  runtimeVersion: string;
  /** Where image layers live: ImageFsInfo's mount point (the snapshotter's root, as containerd answers). */
  imageFsMountpoint: string;
  logger: Logger;
}
