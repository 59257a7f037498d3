// berth.db: one SQLite file (WAL) for the daemon's metadata, with numbered migrations applied at open.
import Database, { type Database as Db } from 'better-sqlite3';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { z } from 'zod';
import { MIGRATIONS } from './migrations.js';

export const databaseConfigSchema = z.object({ root: z.string().min(1) }).strict();

export function openDatabase(config: z.infer<typeof databaseConfigSchema>): Db {
  const { root } = databaseConfigSchema.parse(config);
  mkdirSync(root, { recursive: true });
  const db = new Database(join(root, 'berth.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
    })();
  }
}
