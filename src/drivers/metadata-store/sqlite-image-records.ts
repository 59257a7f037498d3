// ImageRecords on SQLite: images and the names pointing at them; multi-row changes in transactions.
import type { Database } from 'better-sqlite3';
import type { Digest } from '../../lib/digest.js';
import type { ImageRecord, ImageRecords } from '../../core/images/image-record.js';

export class SqliteImageRecords implements ImageRecords {
  private readonly q;

  constructor(private readonly db: Database) {
    this.q = {
      upsert: db.prepare(
        'INSERT INTO images (id, record) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record',
      ),
      get: db.prepare('SELECT record FROM images WHERE id = ?'),
      list: db.prepare('SELECT record FROM images'),
      prefix: db.prepare("SELECT record FROM images WHERE id LIKE 'sha256:' || ? || '%'"),
      nameGet: db.prepare('SELECT image_id FROM image_names WHERE name = ?'),
      nameSet: db.prepare(
        'INSERT INTO image_names (name, image_id) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET image_id = excluded.image_id',
      ),
      nameDel: db.prepare('DELETE FROM image_names WHERE name = ?'),
      namesOf: db.prepare('SELECT name FROM image_names WHERE image_id = ? ORDER BY name'),
      del: db.prepare('DELETE FROM images WHERE id = ?'),
    };
  }

  save(image: ImageRecord, names: string[]): { retagged: { name: string; previous: Digest }[] } {
    return this.db.transaction(() => {
      const existing = this.get(image.id);
      this.q.upsert.run(image.id, JSON.stringify(existing ? { ...existing, lastTagTime: image.lastTagTime } : image));
      const retagged: { name: string; previous: Digest }[] = [];
      for (const name of names) {
        const previous = this.resolveName(name);
        if (previous && previous !== image.id) retagged.push({ name, previous });
        this.q.nameSet.run(name, image.id);
      }
      return { retagged };
    })();
  }

  get(id: Digest): ImageRecord | undefined {
    const row = this.q.get.get(id) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as ImageRecord) : undefined;
  }

  list(): ImageRecord[] {
    return (this.q.list.all() as { record: string }[]).map((r) => JSON.parse(r.record) as ImageRecord);
  }

  findByPrefix(hexPrefix: string): ImageRecord[] {
    if (!/^[a-f0-9]+$/.test(hexPrefix)) return [];
    return (this.q.prefix.all(hexPrefix) as { record: string }[]).map((r) => JSON.parse(r.record) as ImageRecord);
  }

  resolveName(name: string): Digest | undefined {
    return (this.q.nameGet.get(name) as { image_id: Digest } | undefined)?.image_id;
  }

  namesOf(id: Digest): string[] {
    return (this.q.namesOf.all(id) as { name: string }[]).map((r) => r.name);
  }

  tag(name: string, id: Digest, time: string): Digest | undefined {
    return this.db.transaction(() => {
      const previous = this.resolveName(name);
      this.q.nameSet.run(name, id);
      const image = this.get(id);
      if (image) this.q.upsert.run(id, JSON.stringify({ ...image, lastTagTime: time }));
      return previous !== id ? previous : undefined;
    })();
  }

  untag(name: string): void {
    this.q.nameDel.run(name);
  }

  delete(id: Digest): void {
    this.q.del.run(id);
  }
}
