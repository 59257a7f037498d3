// VolumeStore on SQLite: one row per volume, the name as primary key (concurrent creates: one wins).
import type { Database } from 'better-sqlite3';
import { alreadyExists } from '../../core/errdefs.js';
import type { VolumeRecord } from '../../core/volumes/volume-record.js';
import type { RemovalIntent } from '../../core/volumes/removal-intents.js';
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

/**
 * Container removals' intents for their anonymous volumes (core/volumes/removal-intents.ts). No foreign key to
 * volumes: an intent outlives its volume's record until the volume's directory is gone too, so that a volume
 * directory adopted at start (a crash between the record's deletion and the directory's) is still removed.
 */
export const VOLUME_REMOVALS_SCHEMA = `
CREATE TABLE IF NOT EXISTS volume_removals (
  container TEXT NOT NULL,
  volume TEXT NOT NULL,
  PRIMARY KEY (container, volume)
);
CREATE INDEX IF NOT EXISTS volume_removals_volume ON volume_removals (volume);
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
  private readonly replaceIntent: (container: string, volumes: string[]) => void;

  constructor(db: Database) {
    // Tables come from the metadata store's migrations; tests on a bare database get them here.
    db.exec(VOLUMES_SCHEMA);
    db.exec(VOLUME_REMOVALS_SCHEMA);
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO volumes (name, driver, labels, options, created, anonymous) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      get: db.prepare('SELECT * FROM volumes WHERE name = ?'),
      list: db.prepare('SELECT * FROM volumes ORDER BY name'),
      delete: db.prepare('DELETE FROM volumes WHERE name = ?'),
      intentsOf: db.prepare('SELECT container, volume FROM volume_removals WHERE container = ? ORDER BY volume'),
      intents: db.prepare('SELECT container, volume FROM volume_removals ORDER BY container, volume'),
      intend: db.prepare('INSERT OR IGNORE INTO volume_removals (container, volume) VALUES (?, ?)'),
      forgetContainer: db.prepare('DELETE FROM volume_removals WHERE container = ?'),
      forgetVolume: db.prepare('DELETE FROM volume_removals WHERE volume = ?'),
    };
    this.replaceIntent = db.transaction((container: string, volumes: string[]) => {
      this.stmts.forgetContainer.run(container);
      for (const v of volumes) this.stmts.intend.run(container, v);
    });
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

  setRemovalIntent(container: string, volumes: string[]): void {
    this.replaceIntent(container, volumes);
  }

  removalIntents(container?: string): RemovalIntent[] {
    return (
      container === undefined ? this.stmts.intents.all() : this.stmts.intentsOf.all(container)
    ) as RemovalIntent[];
  }

  forgetRemovalIntents(of: { container: string } | { volume: string }): void {
    if ('container' in of) this.stmts.forgetContainer.run(of.container);
    else this.stmts.forgetVolume.run(of.volume);
  }
}
