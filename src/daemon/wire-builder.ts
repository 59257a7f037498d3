// Builds the builder: the SQLite build cache, host mounts, and the image/container services it drives.
// The image service learns about cached step images (kept from GC) before the start-up GC runs. Base images
// that are not local are pulled through the engine's registry use case (the same pull as POST /images/create).
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../lib/logger.js';
import { SqliteBuildCache } from '../drivers/build-cache-sqlite/sqlite-build-cache.js';
import { HostRootfsMounter } from '../drivers/host/rootfs-mounter.js';
import { Builder } from '../builder/builder.js';
import type { ContainersApi } from '../engine/containers/types.js';
import type { RegistryImages } from '../engine/images/registry-images.js';
import { formatPlatform } from '../core/remotes/platform.js';
import type { ImageStore } from './wire-images.js';
import type { DaemonConfig } from './config.js';

export function wireBuilder(
  config: DaemonConfig,
  logger: Logger,
  db: Database,
  store: ImageStore,
  containers: ContainersApi,
  registry: RegistryImages,
): Builder {
  const builder = new Builder({
    images: store.images,
    content: store.images.content(),
    snapshots: store.snapshots,
    containers,
    cache: new SqliteBuildCache(db),
    mounter: new HostRootfsMounter(),
    workRoot: join(config.dataRoot, 'builder'),
    logger: logger.child({ component: 'builder' }),
    puller: {
      pull: (reference, o) =>
        registry.pull(reference, undefined, {
          platform: o.platform ? formatPlatform(o.platform) : undefined,
          credentials: o.credentials,
          signal: o.signal,
          progress: o.progress,
        }),
    },
  });
  store.images.setHiddenImages(builder.hiddenImages());
  return builder;
}
