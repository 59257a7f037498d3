// Migration 7: container removals' intents for their anonymous volumes, so a crash between a container's record
// and its volumes going is finished at start.
import { VOLUME_REMOVALS_SCHEMA } from '../../volume-local/sqlite-volume-store.js';
import type { Migration } from './migration.js';

export const volumeRemovalsMigration: Migration = { version: 7, name: 'volume removals', sql: VOLUME_REMOVALS_SCHEMA };
