// Numbered schema migrations, applied in order, each once, each in a transaction. Append; never edit.
import { CONTAINERS_SCHEMA } from '../container-store-sqlite/sqlite-container-store.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
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
  },
  { version: 2, name: 'containers', sql: CONTAINERS_SCHEMA },
];
