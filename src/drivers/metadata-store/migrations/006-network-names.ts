// Migration 6: network names may repeat (the networks table without UNIQUE on name, an index instead).
import { NETWORK_NAMES_SHARED_SCHEMA } from '../../network-store-sqlite/sqlite-network-store.js';
import type { Migration } from './migration.js';

export const networkNamesMigration: Migration = { version: 6, name: 'network names', sql: NETWORK_NAMES_SHARED_SCHEMA };
