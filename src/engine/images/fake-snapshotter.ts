// An in-memory Snapshotter for unit tests of the image engine: it consumes layers without touching the disk
// and counts how often each operation ran, so tests can check "unpacked once per chain id" and collection.
import type { Readable } from 'node:stream';
import { alreadyExists, notFound } from '../../core/errdefs.js';
import type { ApplyResult, Mount, SnapshotInfo, Snapshotter, Usage } from '../../core/snapshots/snapshotter.js';

export class FakeSnapshotter implements Snapshotter {
  readonly name = 'native' as const;
  readonly snapshots = new Map<string, SnapshotInfo & { size: number }>();
  applied = 0;

  async prepare(key: string, parent: string | undefined): Promise<Mount[]> {
    if (this.snapshots.has(key)) throw alreadyExists(`snapshot ${key} exists`);
    if (parent !== undefined && this.snapshots.get(parent)?.kind !== 'committed')
      throw notFound(`parent ${parent} not committed`);
    this.snapshots.set(key, { key, kind: 'active', parent, created: new Date().toISOString(), size: 0 });
    return [];
  }

  async mounts(key: string): Promise<Mount[]> {
    this.get(key);
    return [];
  }

  async applyLayer(key: string, layer: Readable): Promise<ApplyResult> {
    const snapshot = this.get(key);
    for await (const chunk of layer) snapshot.size += (chunk as Buffer).length;
    this.applied++;
    return { size: snapshot.size };
  }

  async commit(name: string, key: string): Promise<void> {
    if (this.snapshots.has(name)) throw alreadyExists(`snapshot ${name} exists`);
    const active = this.get(key);
    this.snapshots.delete(key);
    this.snapshots.set(name, { ...active, key: name, kind: 'committed' });
  }

  async remove(key: string): Promise<void> {
    this.get(key);
    this.snapshots.delete(key);
  }

  async stat(key: string): Promise<SnapshotInfo> {
    return this.get(key);
  }

  async list(): Promise<SnapshotInfo[]> {
    return [...this.snapshots.values()];
  }

  async usage(key: string): Promise<Usage> {
    return { size: this.get(key).size, inodes: 0 };
  }

  async cleanup(keep: ReadonlySet<string>): Promise<void> {
    for (const key of [...this.snapshots.keys()]) if (!keep.has(key)) this.snapshots.delete(key);
  }

  private get(key: string): SnapshotInfo & { size: number } {
    const snapshot = this.snapshots.get(key);
    if (!snapshot) throw notFound(`snapshot ${key} not found`);
    return snapshot;
  }
}
