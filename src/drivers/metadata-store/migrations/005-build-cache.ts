// Migration 5: the build cache; the schema lives beside the store that reads it.
import { BUILD_CACHE_SCHEMA } from '../../build-cache-sqlite/sqlite-build-cache.js';
import type { Migration } from './migration.js';

export const buildCacheMigration: Migration = { version: 5, name: 'build cache', sql: BUILD_CACHE_SCHEMA };
