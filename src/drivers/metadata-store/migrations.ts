// Numbered schema migrations, one file each under migrations/ (NNN-domain.ts), listed here in order.
// Append a new file and one line below; never edit or renumber an applied migration.
import type { Migration } from './migrations/migration.js';
import { imagesMigration } from './migrations/001-images.js';
import { containersMigration } from './migrations/002-containers.js';
import { networksMigration } from './migrations/003-networks.js';
import { volumesMigration } from './migrations/004-volumes.js';
import { buildCacheMigration } from './migrations/005-build-cache.js';
import { networkNamesMigration } from './migrations/006-network-names.js';
import { volumeRemovalsMigration } from './migrations/007-volume-removals.js';

export type { Migration } from './migrations/migration.js';

export const MIGRATIONS: Migration[] = [
  imagesMigration,
  containersMigration,
  networksMigration,
  volumesMigration,
  buildCacheMigration,
  networkNamesMigration,
  volumeRemovalsMigration,
];
