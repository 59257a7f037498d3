// The build cache: what one build step produced, keyed by everything that step depends on (the parent image,
// the instruction with its build args in scope, the content of the files it copies). Lifecycle: an entry is
// written once a step's image is whole (config, manifest and layer blobs stored, layer committed); it keeps
// those from garbage collection until `build prune` drops it; hits refresh `lastUsed`.
import type { ImageRecord } from '../images/image-record.js';

export interface BuildCacheEntry {
  key: string;
  /** The image the step produced (ID = config digest). */
  image: ImageRecord;
  /** The image the step ran on. */
  parent: string;
  /** The step as Docker's history shows it (created_by). */
  description: string;
  /** Bytes of the step's own layer (0 for metadata steps). */
  size: number;
  created: string;
  lastUsed: string;
  usageCount: number;
}

export interface BuildCacheStore {
  get(key: string): BuildCacheEntry | undefined;
  /** Inserts or replaces. */
  put(entry: BuildCacheEntry): void;
  touch(key: string, time: string): void;
  list(): BuildCacheEntry[];
  delete(keys: string[]): void;
}
