// VolumeStore on SQLite: one row per volume, the name as primary key (concurrent creates: one wins).
import type { Database } from 'better-sqlite3';
import { alreadyExists } from '../../core/errdefs.js';
import type { VolumeRecord } from '../../core/volumes/volume-record.js';
import type { VolumeStore } from '../../core/volumes/volume-store.js';

export const VOLUMES_SCHEMA = `
CREATE TABLE IF NOT EXISTS volumes (
  name TEXT PRIMARY KEY,
  driver TEXT NOT NULL,
  labels TEXT NOT NULL,
  options TEXT NOT NULL,
  created TEXT NOT NULL,
  anonymous INTEGER NOT NULL DEFAULT 0
);
`;

interface Row {
  name: string;
  driver: string;
  labels: string;
  options: string;
  created: string;
  anonymous: number;
}

const toRecord = (r: Row): VolumeRecord => ({
  name: r.name,
  driver: r.driver,
  labels: JSON.parse(r.labels) as Record<string, string>,
  options: JSON.parse(r.options) as Record<string, string>,
  created: r.created,
  anonymous: r.anonymous === 1,
});

export class SqliteVolumeStore implements VolumeStore {
  private readonly stmts;

  constructor(db: Database) {
    // Tables come from the metadata store's migrations; tests on a bare database get them here.
    db.exec(VOLUMES_SCHEMA);
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO volumes (name, driver, labels, options, created, anonymous) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      get: db.prepare('SELECT * FROM volumes WHERE name = ?'),
      list: db.prepare('SELECT * FROM volumes ORDER BY name'),
      delete: db.prepare('DELETE FROM volumes WHERE name = ?'),
    };
  }

  insert(v: VolumeRecord): void {
    try {
      this.stmts.insert.run(
        v.name,
        v.driver,
        JSON.stringify(v.labels),
        JSON.stringify(v.options),
        v.created,
        v.anonymous ? 1 : 0,
      );
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
        throw alreadyExists(`volume ${v.name} already exists`, err);
      throw err;
    }
  }

  get(name: string): VolumeRecord | undefined {
    const row = this.stmts.get.get(name) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  list(): VolumeRecord[] {
    return (this.stmts.list.all() as Row[]).map(toRecord);
  }

  delete(name: string): void {
    this.stmts.delete.run(name);
  }
}
