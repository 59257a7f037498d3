// Migration 2: containers; the schema lives beside the container store that reads it.
import { CONTAINERS_SCHEMA } from '../../container-store-sqlite/sqlite-container-store.js';
import type { Migration } from './migration.js';

export const containersMigration: Migration = { version: 2, name: 'containers', sql: CONTAINERS_SCHEMA };
