// Directories the clients' sessions synced, kept for the next build as BuildKit keeps a local source: by the
// session's shared key (buildx: `ctx:<hash of the context's path>`), the directory's name and its include
// pattern. A rebuild of the same context then receives only what changed (filesync.ts compares the listing with
// the tree kept beside the directory). A build takes its directory out while it syncs and builds, so a second
// build of the same key at once gets a new empty one; the least recently used beyond `max` are removed.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SyncedTree } from './filesync.js';

export interface SyncDir {
  dir: string;
  /** What an earlier sync left in `dir`; undefined when it is new and empty. */
  previous?: SyncedTree;
}

export class SyncedDirs {
  /** In use order, the most recent last. */
  private readonly kept = new Map<string, { dir: string; tree: SyncedTree }>();

  constructor(
    private readonly root: string,
    private readonly max = 16,
  ) {}

  /** The kept directory of `key` (taken out until `put` or `discard`), else a new empty one. */
  async take(key: string | undefined): Promise<SyncDir> {
    const found = key === undefined ? undefined : this.kept.get(key);
    if (found && key !== undefined) {
      this.kept.delete(key);
      return { dir: found.dir, previous: found.tree };
    }
    const dir = join(this.root, randomBytes(8).toString('hex'));
    await mkdir(dir, { recursive: true });
    return { dir };
  }

  /** Keeps `dir`, as a completed sync left it, for the next build of `key`; without a key it is removed. */
  async put(key: string | undefined, dir: string, tree: SyncedTree): Promise<void> {
    if (key === undefined) return this.discard(dir);
    const replaced = this.kept.get(key);
    this.kept.delete(key);
    this.kept.set(key, { dir, tree });
    if (replaced && replaced.dir !== dir) await this.discard(replaced.dir);
    for (const [oldest, entry] of this.kept) {
      if (this.kept.size <= this.max) break;
      this.kept.delete(oldest);
      await this.discard(entry.dir);
    }
  }

  async discard(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }

  /** `docker buildx prune`: the kept directories go with the build cache. */
  async clear(): Promise<void> {
    const dirs = [...this.kept.values()].map((e) => e.dir);
    this.kept.clear();
    for (const dir of dirs) await this.discard(dir);
  }
}
