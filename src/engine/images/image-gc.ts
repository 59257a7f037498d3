// Garbage collection of the image store: blobs and layer snapshots that no image references (named, hidden in
// the build cache, or held by a load, pull or build in progress through pin()) are removed; at start, layer
// extractions a crash interrupted are dropped.
import type { Logger } from '../../lib/logger.js';
import type { Digest } from '../../lib/digest.js';
import { isKind } from '../../core/errdefs.js';
import type { ContentStore } from '../../core/content/content-store.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import type { ImageRecord, ImageRecords } from '../../core/images/image-record.js';
import { EXTRACT_PREFIX } from './layer-unpacker.js';

/** Images kept outside the named store (the build cache) and what builds in progress hold: kept from GC, found by full ID. */
export interface HiddenImages {
  list(): ImageRecord[];
  pinned(): { blobs: Iterable<string>; chains: Iterable<string> };
}

export interface ImageCollectorDeps {
  records: ImageRecords;
  content: ContentStore;
  snapshots: Snapshotter;
  logger: Logger;
  /** The build cache's images and what builds in progress hold (set once the builder is wired). */
  hidden(): HiddenImages;
}

export class ImageCollector {
  /** Blobs of loads, imports, pulls and pushes in progress: never collected. */
  private readonly pinned = new Set<Digest>();

  constructor(private readonly deps: ImageCollectorDeps) {}

  /** Keeps blobs from garbage collection until the returned release is called. */
  pin(digests: Digest[]): () => void {
    const added = digests.filter((d) => !this.pinned.has(d));
    added.forEach((d) => this.pinned.add(d));
    return () => added.forEach((d) => this.pinned.delete(d));
  }

  /** At start, before any load: drops layer extractions a crash interrupted (active `extract-*` snapshots). */
  async dropInterruptedUnpacks(): Promise<number> {
    const stale = (await this.deps.snapshots.list()).filter(
      (s) => s.kind === 'active' && s.key.startsWith(EXTRACT_PREFIX),
    );
    for (const s of stale)
      await this.deps.snapshots
        .remove(s.key)
        .catch((err: unknown) => (isKind(err, 'NotFound') ? undefined : Promise.reject(err)));
    if (stale.length > 0) this.deps.logger.info({ count: stale.length }, 'dropped interrupted layer unpacks');
    return stale.length;
  }

  /** Blobs and layer snapshots that no image references are removed (bottom-up for snapshots). */
  async collect(): Promise<void> {
    const images = this.deps.records.list();
    const blobs = new Set<string>(this.pinned);
    const chains = new Set<string>();
    const held = this.deps.hidden().pinned();
    for (const b of held.blobs) blobs.add(b);
    for (const c of held.chains) chains.add(c);
    for (const image of [...images, ...this.deps.hidden().list()]) {
      blobs.add(image.id);
      blobs.add(image.manifest);
      for (const l of image.layers) {
        blobs.add(l.blob);
        chains.add(l.chainId);
      }
    }
    for (const digest of await this.deps.content.list()) if (!blobs.has(digest)) await this.deps.content.delete(digest);
    // Remove unreferenced committed layers, children first, so each removal finds no children.
    let removed = true;
    while (removed) {
      removed = false;
      const all = await this.deps.snapshots.list();
      const parents = new Set(all.map((s) => s.parent).filter(Boolean));
      for (const s of all) {
        if (s.kind !== 'committed' || chains.has(s.key) || parents.has(s.key)) continue;
        await this.deps.snapshots
          .remove(s.key)
          .catch((err: unknown) => (isKind(err, 'NotFound') ? undefined : Promise.reject(err)));
        removed = true;
      }
    }
  }
}
