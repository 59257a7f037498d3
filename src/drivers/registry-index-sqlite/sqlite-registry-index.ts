// RegistryIndex on SQLite: `<registry root>/registry.db`, the registry server's own file (never berthd's
// berth.db, so a registry root can be served by `berth registry serve` or embedded in berthd alike).
// WAL, synchronous=NORMAL as berth.db: a committed push survives a process kill (blob bytes are fsynced by
// the content store; after a power loss the newest rows may roll back, leaving blobs for GC to collect).
import Database, { type Database as Db } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Digest } from '../../lib/digest.js';
import type {
  ManifestRecord,
  ManifestReferences,
  Page,
  RegistryIndex,
  UploadSession,
} from '../../core/registry-server/registry-index.js';

export const registryIndexConfigSchema = z.object({ root: z.string().min(1) }).strict();

const SCHEMA = `
CREATE TABLE IF NOT EXISTS blob_links (
  repo TEXT NOT NULL, digest TEXT NOT NULL, touched_at INTEGER NOT NULL,
  PRIMARY KEY (repo, digest)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS blob_links_digest ON blob_links (digest);
CREATE TABLE IF NOT EXISTS manifests (
  repo TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL,
  subject TEXT, artifact_type TEXT, annotations TEXT, created_at INTEGER NOT NULL,
  PRIMARY KEY (repo, digest)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifests_digest ON manifests (digest);
CREATE INDEX IF NOT EXISTS manifests_subject ON manifests (repo, subject);
CREATE TABLE IF NOT EXISTS manifest_refs (
  repo TEXT NOT NULL, manifest TEXT NOT NULL, ref TEXT NOT NULL,
  PRIMARY KEY (repo, manifest, ref),
  FOREIGN KEY (repo, manifest) REFERENCES manifests (repo, digest) ON DELETE CASCADE) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifest_refs_ref ON manifest_refs (repo, ref);
CREATE TABLE IF NOT EXISTS tags (
  repo TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL,
  PRIMARY KEY (repo, tag),
  FOREIGN KEY (repo, digest) REFERENCES manifests (repo, digest) ON DELETE CASCADE) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_digest ON tags (repo, digest);
CREATE TABLE IF NOT EXISTS uploads (id TEXT PRIMARY KEY, repo TEXT NOT NULL, started_at INTEGER NOT NULL);
`;

interface ManifestRow {
  repo: string;
  digest: string;
  media_type: string;
  size: number;
  subject: string | null;
  artifact_type: string | null;
  annotations: string | null;
}

const toRecord = (r: ManifestRow): ManifestRecord => ({
  repo: r.repo,
  digest: r.digest as Digest,
  mediaType: r.media_type,
  size: r.size,
  ...(r.subject ? { subject: r.subject as Digest } : {}),
  ...(r.artifact_type ? { artifactType: r.artifact_type } : {}),
  ...(r.annotations ? { annotations: JSON.parse(r.annotations) as Record<string, string> } : {}),
});

const TOUCH_RESOLUTION_MS = 60_000;

/** SQL for a page after `last` (exclusive), at most `n` rows; n absent = all. */
const pageArgs = (page: Page): [string, number] => [page.last ?? '', page.n ?? -1];

export class SqliteRegistryIndex implements RegistryIndex {
  private readonly db: Db;

  constructor(
    config: z.infer<typeof registryIndexConfigSchema>,
    private readonly now: () => number = Date.now,
  ) {
    const { root } = registryIndexConfigSchema.parse(config);
    mkdirSync(root, { recursive: true });
    this.db = new Database(join(root, 'registry.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  linkBlob(repo: string, digest: Digest): void {
    this.db
      .prepare(
        'INSERT INTO blob_links (repo, digest, touched_at) VALUES (?, ?, ?) ON CONFLICT (repo, digest) DO UPDATE SET touched_at = excluded.touched_at',
      )
      .run(repo, digest, this.now());
  }

  touchBlob(repo: string, digest: Digest): boolean {
    const row = this.db.prepare('SELECT touched_at FROM blob_links WHERE repo = ? AND digest = ?').get(repo, digest) as
      { touched_at: number } | undefined;
    if (!row) return this.getManifest(repo, digest) !== undefined;
    // Leases are hours long: refreshing one at most once a minute keeps reads from writing.
    const now = this.now();
    if (now - row.touched_at > TOUCH_RESOLUTION_MS)
      this.db.prepare('UPDATE blob_links SET touched_at = ? WHERE repo = ? AND digest = ?').run(now, repo, digest);
    return true;
  }

  mountBlob(repo: string, from: string, digest: Digest): boolean {
    return this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM blob_links WHERE repo = ? AND digest = ?').get(from, digest)) return false;
      this.linkBlob(repo, digest);
      return true;
    })();
  }

  unlinkBlob(repo: string, digest: Digest): boolean {
    return this.db.prepare('DELETE FROM blob_links WHERE repo = ? AND digest = ?').run(repo, digest).changes > 0;
  }

  putManifest(record: ManifestRecord, refs: ManifestReferences, tag?: string): { missing: Digest[] } {
    return this.db.transaction(() => {
      const linked = this.db.prepare('SELECT 1 FROM blob_links WHERE repo = ? AND digest = ?');
      const manifest = this.db.prepare('SELECT 1 FROM manifests WHERE repo = ? AND digest = ?');
      const missing = [
        ...refs.blobs.filter((d) => !linked.get(record.repo, d)),
        ...refs.manifests.filter((d) => !manifest.get(record.repo, d)),
      ];
      if (missing.length) return { missing };
      this.db
        .prepare(
          `INSERT INTO manifests (repo, digest, media_type, size, subject, artifact_type, annotations, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (repo, digest) DO NOTHING`,
        )
        .run(
          record.repo,
          record.digest,
          record.mediaType,
          record.size,
          record.subject ?? null,
          record.artifactType ?? null,
          record.annotations ? JSON.stringify(record.annotations) : null,
          this.now(),
        );
      const ref = this.db.prepare('INSERT OR IGNORE INTO manifest_refs (repo, manifest, ref) VALUES (?, ?, ?)');
      for (const d of [...refs.blobs, ...refs.manifests]) ref.run(record.repo, record.digest, d);
      const touch = this.db.prepare('UPDATE blob_links SET touched_at = ? WHERE repo = ? AND digest = ?');
      for (const d of refs.blobs) touch.run(this.now(), record.repo, d);
      if (tag !== undefined) {
        this.db
          .prepare(
            'INSERT INTO tags (repo, tag, digest) VALUES (?, ?, ?) ON CONFLICT (repo, tag) DO UPDATE SET digest = excluded.digest',
          )
          .run(record.repo, tag, record.digest);
      }
      return { missing: [] };
    })();
  }

  getManifest(repo: string, digest: Digest): ManifestRecord | undefined {
    const row = this.db.prepare('SELECT * FROM manifests WHERE repo = ? AND digest = ?').get(repo, digest) as
      ManifestRow | undefined;
    return row && toRecord(row);
  }

  resolveTag(repo: string, tag: string): Digest | undefined {
    return (
      this.db.prepare('SELECT digest FROM tags WHERE repo = ? AND tag = ?').get(repo, tag) as
        { digest: Digest } | undefined
    )?.digest;
  }

  deleteTag(repo: string, tag: string): boolean {
    return this.db.prepare('DELETE FROM tags WHERE repo = ? AND tag = ?').run(repo, tag).changes > 0;
  }

  deleteManifest(repo: string, digest: Digest): boolean {
    return this.db.prepare('DELETE FROM manifests WHERE repo = ? AND digest = ?').run(repo, digest).changes > 0;
  }

  repositoryExists(repo: string): boolean {
    return Boolean(
      this.db
        .prepare('SELECT 1 FROM manifests WHERE repo = ? UNION ALL SELECT 1 FROM blob_links WHERE repo = ? LIMIT 1')
        .get(repo, repo),
    );
  }

  listTags(repo: string, page: Page): string[] {
    const rows = this.db
      .prepare('SELECT tag FROM tags WHERE repo = ? AND tag > ? ORDER BY tag LIMIT ?')
      .all(repo, ...pageArgs(page)) as { tag: string }[];
    return rows.map((r) => r.tag);
  }

  listRepositories(page: Page): string[] {
    const rows = this.db
      .prepare(
        'SELECT repo FROM (SELECT repo FROM manifests UNION SELECT repo FROM blob_links) WHERE repo > ? ORDER BY repo LIMIT ?',
      )
      .all(...pageArgs(page)) as { repo: string }[];
    return rows.map((r) => r.repo);
  }

  referrers(repo: string, subject: Digest): ManifestRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM manifests WHERE repo = ? AND subject = ? ORDER BY digest')
      .all(repo, subject) as ManifestRow[];
    return rows.map(toRecord);
  }

  createUpload(session: UploadSession): void {
    this.db
      .prepare('INSERT INTO uploads (id, repo, started_at) VALUES (?, ?, ?)')
      .run(session.id, session.repo, session.startedAt);
  }

  getUpload(id: string): UploadSession | undefined {
    const row = this.db.prepare('SELECT id, repo, started_at FROM uploads WHERE id = ?').get(id) as
      { id: string; repo: string; started_at: number } | undefined;
    return row && { id: row.id, repo: row.repo, startedAt: row.started_at };
  }

  deleteUpload(id: string): void {
    this.db.prepare('DELETE FROM uploads WHERE id = ?').run(id);
  }

  listUploads(): UploadSession[] {
    const rows = this.db.prepare('SELECT id, repo, started_at FROM uploads').all() as {
      id: string;
      repo: string;
      started_at: number;
    }[];
    return rows.map((r) => ({ id: r.id, repo: r.repo, startedAt: r.started_at }));
  }

  sweepLinks(cutoff: number): number {
    return this.db
      .prepare(
        `DELETE FROM blob_links AS l WHERE l.touched_at < ?
           AND NOT EXISTS (SELECT 1 FROM manifest_refs r WHERE r.repo = l.repo AND r.ref = l.digest)`,
      )
      .run(cutoff).changes;
  }

  isReferenced(digest: Digest): boolean {
    return Boolean(
      this.db
        .prepare('SELECT 1 FROM blob_links WHERE digest = ? UNION ALL SELECT 1 FROM manifests WHERE digest = ? LIMIT 1')
        .get(digest, digest),
    );
  }

  close(): void {
    this.db.close();
  }
}
