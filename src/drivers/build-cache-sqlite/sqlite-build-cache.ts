// BuildCacheStore on SQLite (table build_cache, migration 005).
import type { Database } from 'better-sqlite3';
import type { BuildCacheEntry, BuildCacheStore } from '../../core/builder/build-cache.js';

export const BUILD_CACHE_SCHEMA = `
CREATE TABLE build_cache (
  key TEXT PRIMARY KEY,
  image_id TEXT NOT NULL,
  entry TEXT NOT NULL,
  last_used TEXT NOT NULL
);
CREATE INDEX build_cache_image ON build_cache (image_id);
`;

export class SqliteBuildCache implements BuildCacheStore {
  private readonly q;

  constructor(private readonly db: Database) {
    this.q = {
      get: db.prepare('SELECT entry FROM build_cache WHERE key = ?'),
      put: db.prepare(
        'INSERT INTO build_cache (key, image_id, entry, last_used) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET image_id = excluded.image_id, entry = excluded.entry, last_used = excluded.last_used',
      ),
      list: db.prepare('SELECT entry FROM build_cache'),
      del: db.prepare('DELETE FROM build_cache WHERE key = ?'),
    };
  }

  get(key: string): BuildCacheEntry | undefined {
    const row = this.q.get.get(key) as { entry: string } | undefined;
    return row ? (JSON.parse(row.entry) as BuildCacheEntry) : undefined;
  }

  put(entry: BuildCacheEntry): void {
    this.q.put.run(entry.key, entry.image.id, JSON.stringify(entry), entry.lastUsed);
  }

  touch(key: string, time: string): void {
    const entry = this.get(key);
    if (entry) this.put({ ...entry, lastUsed: time, usageCount: entry.usageCount + 1 });
  }

  list(): BuildCacheEntry[] {
    return (this.q.list.all() as { entry: string }[]).map((r) => JSON.parse(r.entry) as BuildCacheEntry);
  }

  delete(keys: string[]): void {
    this.db.transaction(() => {
      for (const k of keys) this.q.del.run(k);
    })();
  }
}
