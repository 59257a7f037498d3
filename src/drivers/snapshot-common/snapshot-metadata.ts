// The snapshotters' own bookkeeping: key -> directory id, kind, parent. One JSON file, rewritten atomically
// under a lock, so a crash leaves the old or the new table and never half of one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { KeyedMutex } from '../../lib/keyed-mutex.js';
import type { SnapshotKind } from '../../core/snapshots/snapshotter.js';

export interface SnapshotEntry {
  dir: string;
  kind: SnapshotKind;
  parent: string | undefined;
  created: string;
}

export type SnapshotTable = Record<string, SnapshotEntry>;

export class SnapshotMetadata {
  private readonly lock = new KeyedMutex();
  private table: SnapshotTable | undefined;

  constructor(private readonly root: string) {}

  private get path(): string {
    return join(this.root, 'snapshots.json');
  }

  async read(): Promise<SnapshotTable> {
    if (this.table) return this.table;
    try {
      this.table = JSON.parse(await readFile(this.path, 'utf8')) as SnapshotTable;
    } catch {
      this.table = {};
    }
    return this.table;
  }

  /** Applies a change to a copy and persists it; the in-memory table changes only once the write landed. */
  update<T>(change: (table: SnapshotTable) => T): Promise<T> {
    return this.lock.run('table', async () => {
      const next = structuredClone(await this.read());
      const result = change(next);
      await writeFileAtomic(this.path, JSON.stringify(next));
      this.table = next;
      return result;
    });
  }
}
