// The snapshotters' own bookkeeping: key -> directory id, kind, parent. One JSON file, rewritten atomically
// by one writer at a time, so a crash leaves the old or the new table and never half of one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import type { SnapshotKind } from '../../core/snapshots/snapshotter.js';

export interface SnapshotEntry {
  dir: string;
  kind: SnapshotKind;
  parent: string | undefined;
  created: string;
}

export type SnapshotTable = Record<string, SnapshotEntry>;

interface PendingChange {
  change: (table: SnapshotTable) => unknown;
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

export class SnapshotMetadata {
  private table: SnapshotTable | undefined;
  /** Changes asked for while a write is under way: the next write persists them all at once (a group commit). */
  private pending: PendingChange[] = [];
  private writing = false;
  /** Callers of settled() waiting for the writer to finish. */
  private idle: (() => void)[] = [];

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

  /** The table once every change asked for so far has landed (or failed): for listings that judge the whole table. */
  async settled(): Promise<SnapshotTable> {
    // A change asked for starts the writer at once, so `writing` covers every pending one.
    if (this.writing) await new Promise<void>((resolve) => this.idle.push(resolve));
    return this.read();
  }

  /**
   * Applies a change to a copy and persists it; the in-memory table changes only once the write landed, and the
   * promise settles only then. Changes that arrive while a write is in flight are applied in order and written
   * together by the next one (one fsync for many removals), each to its own copy so one that throws leaves the
   * others' result as if it had never been asked for.
   */
  update<T>(change: (table: SnapshotTable) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ change, resolve: resolve as (result: unknown) => void, reject });
      if (!this.writing) void this.writeAll();
    });
  }

  /** The one writer. The flag drops in the same step as the last check of the queue (no await between), so a
   * change asked for by a caller that the last write settled always finds a writer or starts one. */
  private async writeAll(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length > 0) await this.writeBatch(this.pending.splice(0));
    } finally {
      this.writing = false;
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private async writeBatch(batch: PendingChange[]): Promise<void> {
    const base = await this.read();
    // One copy per batch (the table has an entry per container: a copy per change grew with the square).
    // A change that throws is rare; the batch's copy is then made again from the changes that succeeded.
    let next = structuredClone(base);
    const done: { item: PendingChange; result: unknown }[] = [];
    for (const item of batch) {
      try {
        done.push({ item, result: item.change(next) });
      } catch (err) {
        item.reject(err);
        next = structuredClone(base);
        for (const ok of done) ok.item.change(next);
      }
    }
    if (done.length === 0) return;
    try {
      await writeFileAtomic(this.path, JSON.stringify(next));
    } catch (err) {
      for (const { item } of done) item.reject(err);
      return;
    }
    this.table = next;
    for (const { item, result } of done) item.resolve(result);
  }
}
