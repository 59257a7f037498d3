// What both snapshotters share: the key table, directory allocation, commit, remove, usage, crash cleanup.
// Subclasses decide how a new active snapshot starts (empty upper, or a copy of the parent), how it mounts,
// and what whiteouts mean.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { dirUsage } from '../../lib/fs/dir-usage.js';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../../core/errdefs.js';
import type { ApplyResult, Mount, SnapshotInfo, Snapshotter, Usage } from '../../core/snapshots/snapshotter.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import { SnapshotMetadata, type SnapshotEntry } from './snapshot-metadata.js';
import { applyLayer, type WhiteoutMode } from './apply-layer.js';

export const snapshotterConfigSchema = z
  .object({
    root: z.string().min(1),
    /** Largest single file a layer may hold; a header claiming more is refused before any byte is read. */
    maxLayerFileSize: z.number().int().positive().optional(),
  })
  .strict();
export type SnapshotterConfig = z.infer<typeof snapshotterConfigSchema>;

export abstract class BaseSnapshotter implements Snapshotter {
  abstract readonly name: 'overlay' | 'native';
  protected readonly root: string;
  protected readonly meta: SnapshotMetadata;
  private readonly maxLayerFileSize: number | undefined;
  /** Snapshots prepared write-behind whose table write has not landed yet. */
  private readonly landing = new Map<string, Promise<void>>();

  constructor(
    config: SnapshotterConfig,
    protected readonly logger: Logger,
  ) {
    const parsed = snapshotterConfigSchema.parse(config);
    this.root = parsed.root;
    this.maxLayerFileSize = parsed.maxLayerFileSize;
    this.meta = new SnapshotMetadata(this.root);
  }

  protected fsDir(dir: string): string {
    return join(this.root, 'snapshots', dir, 'fs');
  }

  protected workDir(dir: string): string {
    return join(this.root, 'snapshots', dir, 'work');
  }

  /** Fills a fresh snapshot directory given its parent's chain (top first). */
  protected abstract initialise(dir: string, parents: SnapshotEntry[]): Promise<void>;
  protected abstract whiteoutMode(): WhiteoutMode;
  /** The mounts of one entry of the table (or of one whose table write is still under way). */
  protected abstract mountsOf(entry: SnapshotEntry, options?: { volatile?: boolean }): Promise<Mount[]>;

  async mounts(key: string, options?: { volatile?: boolean }): Promise<Mount[]> {
    return this.mountsOf(await this.entry(key), options);
  }

  protected async entry(key: string): Promise<SnapshotEntry> {
    // A snapshot prepared write-behind is asked about only once its table write landed (or failed: then it is not).
    await this.landing.get(key)?.catch(() => undefined);
    const found = (await this.meta.read())[key];
    if (!found) throw notFound(`snapshot ${key} does not exist`);
    return found;
  }

  /** The entry's ancestors, nearest first. */
  protected async parentsOf(entry: SnapshotEntry): Promise<SnapshotEntry[]> {
    const table = await this.meta.read();
    const chain: SnapshotEntry[] = [];
    for (let p = entry.parent; p; p = table[p]?.parent) {
      const e = table[p];
      if (!e) throw failedPrecondition(`snapshot parent ${p} is missing`);
      chain.push(e);
    }
    return chain;
  }

  async prepare(key: string, parent: string | undefined, options: { writeBehind?: boolean } = {}): Promise<Mount[]> {
    const table = await this.meta.read();
    if (table[key]) throw alreadyExists(`snapshot ${key} already exists`);
    if (parent !== undefined) {
      const p = table[parent];
      if (!p) throw notFound(`snapshot ${parent} does not exist`);
      if (p.kind !== 'committed') throw invalidArgument(`parent snapshot ${parent} is not committed`);
    }
    const dir = randomBytes(8).toString('hex');
    const entry: SnapshotEntry = { dir, kind: 'active', parent, created: nowRfc3339Nano() };
    await mkdir(this.workDir(dir), { recursive: true, mode: 0o700 });
    await mkdir(this.fsDir(dir), { recursive: true, mode: 0o755 });
    const dropDir = (): Promise<void> => rm(join(this.root, 'snapshots', dir), { recursive: true, force: true });
    let mounts: Mount[];
    try {
      await this.initialise(dir, await this.parentsOf(entry));
      // A snapshot that cannot be mounted (overlay: too many layers) is of no use: refused before it is recorded.
      mounts = await this.mountsOf(entry);
    } catch (err) {
      await dropDir();
      throw err;
    }
    const written = this.meta
      .update((t) => {
        if (t[key]) throw alreadyExists(`snapshot ${key} already exists`);
        t[key] = entry;
      })
      .catch(async (err: unknown) => {
        await dropDir();
        throw err;
      });
    if (!options.writeBehind) {
      await written;
      return mounts;
    }
    // The write (its fsync) goes on while the caller does: what asks about this key meanwhile waits for it.
    const landed = written.finally(() => this.landing.delete(key));
    landed.catch(() => undefined);
    this.landing.set(key, landed);
    return mounts;
  }

  async applyLayer(key: string, layer: Readable, options: { signal?: AbortSignal } = {}): Promise<ApplyResult> {
    const entry = await this.entry(key);
    if (entry.kind !== 'active') throw invalidArgument(`snapshot ${key} is not active`);
    const lowerRoots = (await this.parentsOf(entry)).map((p) => this.fsDir(p.dir));
    return applyLayer(this.fsDir(entry.dir), layer, {
      whiteouts: this.whiteoutMode(),
      lowerRoots,
      maxFileSize: this.maxLayerFileSize,
      signal: options.signal,
    });
  }

  async commit(name: string, key: string): Promise<void> {
    await this.meta.update((t) => {
      const e = t[key];
      if (!e) throw notFound(`snapshot ${key} does not exist`);
      if (e.kind !== 'active') throw invalidArgument(`snapshot ${key} is not active`);
      if (t[name]) throw alreadyExists(`snapshot ${name} already exists`);
      delete t[key];
      t[name] = { ...e, kind: 'committed' };
    });
  }

  async remove(key: string): Promise<void> {
    const dir = await this.meta.update((t) => {
      const e = t[key];
      if (!e) throw notFound(`snapshot ${key} does not exist`);
      const child = Object.entries(t).find(([, v]) => v.parent === key);
      if (child) throw failedPrecondition(`cannot remove snapshot ${key}: it has children (${child[0]})`);
      delete t[key];
      return e.dir;
    });
    await rm(join(this.root, 'snapshots', dir), { recursive: true, force: true });
  }

  async stat(key: string): Promise<SnapshotInfo> {
    const e = await this.entry(key);
    return { key, kind: e.kind, parent: e.parent, created: e.created };
  }

  async list(): Promise<SnapshotInfo[]> {
    // Settled: a removal queued before this call (an AutoRemove container's layer, answered before its write) is
    // seen, so a collection right after it finds the parent layer free.
    return Object.entries(await this.meta.settled()).map(([key, e]) => ({
      key,
      kind: e.kind,
      parent: e.parent,
      created: e.created,
    }));
  }

  async usage(key: string): Promise<Usage> {
    return dirUsage(this.fsDir((await this.entry(key)).dir));
  }

  async cleanup(keep: ReadonlySet<string>): Promise<void> {
    const dropped = await this.meta.update((t) => {
      const gone: string[] = [];
      for (const [key, e] of Object.entries(t)) {
        if (e.kind === 'active' && !keep.has(key) && !Object.values(t).some((c) => c.parent === key)) {
          delete t[key];
          gone.push(key);
        }
      }
      return gone;
    });
    const known = new Set(Object.values(await this.meta.read()).map((e) => e.dir));
    const dirs = await readdir(join(this.root, 'snapshots')).catch(() => [] as string[]);
    for (const dir of dirs)
      if (!known.has(dir)) await rm(join(this.root, 'snapshots', dir), { recursive: true, force: true });
    // Temp files of a metadata write a crash cut short (writeFileAtomic names them `.NAME.RANDOM.tmp`).
    for (const name of await readdir(this.root).catch(() => [] as string[])) {
      if (/^\..+\.tmp$/.test(name)) await rm(join(this.root, name), { force: true });
    }
    if (dropped.length > 0) this.logger.info({ dropped }, 'removed half-made snapshots');
  }
}
