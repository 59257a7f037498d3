// Garbage collection of the image store: blobs and layer snapshots that no image references (named, hidden in
// the build cache, or held by a load, pull, push or build in progress through a lease or pin()) are removed; at
// start, layer extractions a crash interrupted are dropped.
//
// Collection runs beside writers: it lists the store first and only then marks what is referenced, and every
// writer holds what it writes from before the blob appears (the store calls Lease.add before its rename) until
// an image record references it. So a blob in the listing is either held or referenced when marked, or nobody's.
// Holds are counted: two operations holding the same blob (pushes of two images sharing a layer) each keep it.
// A lease holds layer snapshots by chain id the same way: registering an image holds its chains from before they
// are unpacked until its record is saved, so a collection in between does not take a layer just unpacked.
import type { Logger } from '../../lib/logger.js';
import type { Digest } from '../../lib/digest.js';
import { isKind } from '../../core/errdefs.js';
import type { ContentStore, Lease } from '../../core/content/content-store.js';
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

/** A lease of the collector: what was added to it is kept until release (idempotent). */
export interface HeldLease extends Lease {
  release(): void;
}

export class ImageCollector {
  /** Blobs of loads, imports, pulls, pushes and commits in progress, with how many operations hold each. */
  private readonly holds = new Map<string, number>();

  constructor(private readonly deps: ImageCollectorDeps) {}

  /** A lease to pass to the content store's writes: what it adds is kept from collection until release. */
  lease(): HeldLease {
    const mine = new Set<string>();
    let released = false;
    return {
      add: (digest) => {
        if (released || mine.has(digest)) return;
        mine.add(digest);
        this.holds.set(digest, (this.holds.get(digest) ?? 0) + 1);
      },
      release: () => {
        if (released) return;
        released = true;
        for (const d of mine) {
          const n = (this.holds.get(d) ?? 1) - 1;
          if (n > 0) this.holds.set(d, n);
          else this.holds.delete(d);
        }
      },
    };
  }

  /** Keeps blobs from garbage collection until the returned release is called. */
  pin(digests: Digest[]): () => void {
    const lease = this.lease();
    digests.forEach((d) => lease.add(d));
    return () => lease.release();
  }

  private held(digest: string): boolean {
    if (this.holds.has(digest)) return true;
    for (const b of this.deps.hidden().pinned().blobs) if (b === digest) return true;
    return false;
  }

  private heldChain(chainId: string): boolean {
    if (this.holds.has(chainId)) return true;
    for (const c of this.deps.hidden().pinned().chains) if (c === chainId) return true;
    return false;
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
    // Listed before marking: a blob that appears after the listing is not a candidate.
    const stored = await this.deps.content.list();
    const images = this.deps.records.list();
    const blobs = new Set<string>(this.holds.keys());
    const chains = new Set<string>(this.holds.keys());
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
    for (const digest of stored) {
      // Held since marking (a load or pull that found the blob already stored): kept.
      if (blobs.has(digest) || this.held(digest)) continue;
      await this.deps.content.delete(digest);
    }
    // Remove unreferenced committed layers, children first, so each removal finds no children.
    let removed = true;
    while (removed) {
      removed = false;
      const all = await this.deps.snapshots.list();
      const parents = new Set(all.map((s) => s.parent).filter(Boolean));
      for (const s of all) {
        if (s.kind !== 'committed' || chains.has(s.key) || parents.has(s.key) || this.heldChain(s.key)) continue;
        await this.deps.snapshots
          .remove(s.key)
          .catch((err: unknown) => (isKind(err, 'NotFound') ? undefined : Promise.reject(err)));
        removed = true;
      }
    }
  }
}
