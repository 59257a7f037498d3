// Builds the image store: content store, metadata database, snapshotter (overlay when the kernel has it,
// else the copying native one), and the image service; cleans what a crash left half-made.
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../lib/logger.js';
import type { EventPublisher } from '../core/events/event.js';
import type { Snapshotter } from '../core/snapshots/snapshotter.js';
import { LocalContentStore } from '../drivers/content-local/local-content-store.js';
import { openDatabase } from '../drivers/metadata-store/database.js';
import { SqliteImageRecords } from '../drivers/metadata-store/sqlite-image-records.js';
import { OverlaySnapshotter } from '../drivers/snapshot-overlay/index.js';
import { NativeSnapshotter } from '../drivers/snapshot-native/index.js';
import { ImageService } from '../engine/images/image-service.js';
import type { DaemonConfig } from './config.js';

export interface ImageStore {
  db: Database;
  snapshots: Snapshotter;
  images: ImageService;
  /** Docker's name for the storage driver ("overlay2" or "native"). */
  driverName: string;
}

export async function wireImages(config: DaemonConfig, logger: Logger, events: EventPublisher): Promise<ImageStore> {
  const db = openDatabase({ root: config.dataRoot });
  const content = new LocalContentStore({ root: join(config.dataRoot, 'content') });
  await content.cleanupIngests();
  const snapshotRoot = join(config.dataRoot, 'snapshots');
  // Rootless too: the probe mounts in berthd's user namespace with `userxattr` (lib/fs/overlay-xattrs.ts), so a
  // kernel that refuses overlay there (before 5.11) gets the copying driver.
  const useOverlay =
    config.storageDriver === 'overlay' ||
    (config.storageDriver === 'auto' && (await OverlaySnapshotter.isSupported(snapshotRoot)));
  const snapshotLogger = logger.child({ component: 'snapshots' });
  const snapshots = useOverlay
    ? new OverlaySnapshotter({ root: snapshotRoot }, snapshotLogger)
    : new NativeSnapshotter({ root: snapshotRoot }, snapshotLogger);
  const images = new ImageService({
    records: new SqliteImageRecords(db),
    content,
    snapshots,
    events,
    logger: logger.child({ component: 'images' }),
  });
  await images.dropInterruptedUnpacks();
  return { db, snapshots, images, driverName: useOverlay ? 'overlay2' : 'native' };
}
