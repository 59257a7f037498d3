// Migration 4: volumes; the schema lives beside the volume store that reads it.
import { VOLUMES_SCHEMA } from '../../volume-local/sqlite-volume-store.js';
import type { Migration } from './migration.js';

export const volumesMigration: Migration = { version: 4, name: 'volumes', sql: VOLUMES_SCHEMA };
