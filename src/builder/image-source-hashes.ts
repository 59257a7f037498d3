// What COPY --from=<stage|image> hashed, remembered by the source image's ID and the step's patterns. An image ID
// is the digest of a config that names every layer, so the tree behind it never changes: a rebuild whose stage
// came from the cache finds its COPY --from key here without mounting that tree (a mount and an umount process
// per step, most of a warm rebuild's time).
export interface HashedSources {
  /** hashSources over what the patterns matched. */
  digest: string;
  count: number;
  /** The only source's kind when there is one. */
  firstIsDir: boolean;
}

const LIMIT = 1000;

export class ImageSourceHashes {
  private readonly entries = new Map<string, HashedSources>();

  private static key(imageId: string, patterns: string[]): string {
    return JSON.stringify([imageId, patterns]);
  }

  get(imageId: string, patterns: string[]): HashedSources | undefined {
    const key = ImageSourceHashes.key(imageId, patterns);
    const found = this.entries.get(key);
    if (found) {
      // Most recently used last: the oldest is dropped first.
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(imageId: string, patterns: string[], hashed: HashedSources): void {
    this.entries.set(ImageSourceHashes.key(imageId, patterns), hashed);
    if (this.entries.size > LIMIT) this.entries.delete(this.entries.keys().next().value as string);
  }
}
