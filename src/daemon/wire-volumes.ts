// Builds the volume side: the local driver under <data-root>/volumes, the SQLite store, the service; finishes
// removals a crash interrupted and adopts volume directories without a record.
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../lib/logger.js';
import type { EventPublisher } from '../core/events/event.js';
import { LocalVolumeDriver } from '../drivers/volume-local/local-volume-driver.js';
import { SqliteVolumeStore } from '../drivers/volume-local/sqlite-volume-store.js';
import { VolumeService } from '../engine/volumes/volume-service.js';
import type { DaemonConfig } from './config.js';
import { testCrashPoint } from './test-crash-point.js';
import { testPausePoint } from './test-pause-point.js';

export async function wireVolumes(
  config: DaemonConfig,
  logger: Logger,
  events: EventPublisher,
  db: Database,
): Promise<VolumeService> {
  const driver = new LocalVolumeDriver({ root: join(config.dataRoot, 'volumes') });
  await driver.init();
  const service = new VolumeService({
    store: new SqliteVolumeStore(db),
    driver,
    events,
    logger: logger.child({ component: 'volumes' }),
    crashPoint: testCrashPoint(process.env, logger),
    pausePoint: testPausePoint(process.env, logger),
  });
  await service.restore();
  return service;
}
