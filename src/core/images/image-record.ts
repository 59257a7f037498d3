// What berth keeps about an image: its config (the image's identity: Id = config digest), the manifest it
// came as, its layers, and the names that point at it. Lifecycle: inserted with its names in one transaction
// once every blob and layer is in place; deleted when the last name goes and nothing uses it.
import type { Digest } from '../../lib/digest.js';

export interface LayerRecord {
  /** The blob as stored (maybe compressed). */
  blob: Digest;
  mediaType: string;
  size: number;
  /** Digest of the uncompressed tar. */
  diffId: Digest;
  chainId: Digest;
  /** Bytes of file content once unpacked. */
  unpackedSize: number;
}

export interface ImageRecord {
  id: Digest;
  manifest: Digest;
  layers: LayerRecord[];
  /** Sum of unpacked layer sizes. */
  size: number;
  /** RFC 3339, from the config (or when loaded, if the config has none). */
  created: string;
  loaded: string;
  lastTagTime: string;
  /** Docker's Parent: the local image a commit was made from (a link between local images, never pulled,
   * loaded or pushed). An image that is some image's parent is not removed by ID, nor by prune, while the child
   * is there; the child's removal takes its parent along when nothing else keeps the parent. */
  parent?: Digest;
}

export interface ImageRecords {
  /** Inserts (or keeps) the image and points each name at it, atomically. Returns names that moved off another image. */
  save(image: ImageRecord, names: string[]): { retagged: { name: string; previous: Digest }[] };
  get(id: Digest): ImageRecord | undefined;
  list(): ImageRecord[];
  /** IDs starting with the hex prefix. */
  findByPrefix(hexPrefix: string): ImageRecord[];
  /** Full names ("docker.io/library/busybox:latest") -> image id. */
  resolveName(name: string): Digest | undefined;
  namesOf(id: Digest): string[];
  tag(name: string, id: Digest, time: string): Digest | undefined;
  untag(name: string): void;
  delete(id: Digest): void;
}
