// ContainerStore on SQLite: one row per container, the record as JSON, the name UNIQUE so that of many
// concurrent creates with one name exactly one wins (the constraint decides, not a check-then-insert).
import type { Database } from 'better-sqlite3';
import { alreadyExists, notFound } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ContainerStore } from '../../core/containers/container-store.js';

export const CONTAINERS_SCHEMA = `
CREATE TABLE IF NOT EXISTS containers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS containers_created ON containers(created);
`;

interface Row {
  record: string;
}

const isUniqueViolation = (err: unknown): boolean =>
  (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' ||
  (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';

export class SqliteContainerStore implements ContainerStore {
  private readonly stmts;

  constructor(private readonly db: Database) {
    // Tables come from the metadata store's migrations; tests on a bare database get them here.
    db.exec(CONTAINERS_SCHEMA);
    this.stmts = {
      insert: db.prepare('INSERT INTO containers (id, name, created, record) VALUES (?, ?, ?, ?)'),
      update: db.prepare('UPDATE containers SET name = ?, record = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM containers WHERE id = ?'),
      get: db.prepare('SELECT record FROM containers WHERE id = ?'),
      byName: db.prepare('SELECT record FROM containers WHERE name = ?'),
      byPrefix: db.prepare("SELECT record FROM containers WHERE id LIKE ? || '%'"),
      list: db.prepare('SELECT record FROM containers ORDER BY created DESC, id'),
      idByName: db.prepare('SELECT id FROM containers WHERE name = ?'),
    };
  }

  insert(record: ContainerRecord): void {
    try {
      this.stmts.insert.run(record.id, record.name, record.created, JSON.stringify(record));
    } catch (err) {
      if (isUniqueViolation(err)) throw this.nameConflict(record.name, err);
      throw err;
    }
  }

  update(record: ContainerRecord): void {
    const result = this.stmts.update.run(record.name, JSON.stringify(record), record.id);
    if (result.changes === 0) throw notFound(`No such container: ${record.id}`);
  }

  rename(id: string, newName: string): void {
    const rename = this.db.transaction(() => {
      const current = this.get(id);
      if (!current) throw notFound(`No such container: ${id}`);
      this.update({ ...current, name: newName });
    });
    try {
      rename();
    } catch (err) {
      if (isUniqueViolation(err)) throw this.nameConflict(newName, err);
      throw err;
    }
  }

  delete(id: string): void {
    this.stmts.delete.run(id);
  }

  get(id: string): ContainerRecord | undefined {
    return this.parse(this.stmts.get.get(id) as Row | undefined);
  }

  findByName(name: string): ContainerRecord | undefined {
    return this.parse(this.stmts.byName.get(name) as Row | undefined);
  }

  findByIdPrefix(prefix: string): ContainerRecord[] {
    if (!/^[0-9a-f]+$/.test(prefix)) return [];
    return (this.stmts.byPrefix.all(prefix) as Row[]).map((r) => JSON.parse(r.record) as ContainerRecord);
  }

  list(): ContainerRecord[] {
    return (this.stmts.list.all() as Row[]).map((r) => JSON.parse(r.record) as ContainerRecord);
  }

  private parse(row: Row | undefined): ContainerRecord | undefined {
    return row ? (JSON.parse(row.record) as ContainerRecord) : undefined;
  }

  private nameConflict(name: string, cause: unknown): Error {
    const holder = (this.stmts.idByName.get(name) as { id: string } | undefined)?.id ?? '';
    return alreadyExists(
      `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
      cause,
    );
  }
}
