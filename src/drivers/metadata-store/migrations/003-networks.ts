// Migration 3: networks, endpoints and published ports; the schema lives beside the network store.
import { NETWORKS_SCHEMA } from '../../network-store-sqlite/sqlite-network-store.js';
import type { Migration } from './migration.js';

export const networksMigration: Migration = { version: 3, name: 'networks', sql: NETWORKS_SCHEMA };
