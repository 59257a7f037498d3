// Migration 1: images by config digest (the record as JSON) and the names pointing at them.
import type { Migration } from './migration.js';

export const imagesMigration: Migration = {
  version: 1,
  name: 'images',
  sql: `
    CREATE TABLE images (
      id TEXT PRIMARY KEY,
      record TEXT NOT NULL
    );
    CREATE TABLE image_names (
      name TEXT PRIMARY KEY,
      image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
    );
    CREATE INDEX image_names_image ON image_names(image_id);`,
};
