// Content-addressed blobs (layers, configs, manifests). Lifecycle: a writer streams bytes into an ingest
// area, the digest and size are checked, and only then the blob appears under its digest, atomically.
// Partial ingests are invisible and dropped at start.
import type { Readable } from 'node:stream';
import type { Digest } from '../../lib/digest.js';

export interface BlobInfo {
  digest: Digest;
  size: number;
}

/**
 * What keeps a blob from garbage collection from the moment it appears under its digest: the store calls `add`
 * before the rename that makes the blob visible, so a collection that lists the blob also sees it held.
 */
export interface Lease {
  add(digest: Digest): void;
}

/** A blob's file open for reading (a FileHandle where the store keeps local files). */
export interface BlobFile {
  readonly fd: number;
  createReadStream(options: { start: number; end: number; highWaterMark: number; autoClose: false }): Readable;
  close(): Promise<void>;
}

export interface ContentStore {
  /** Streams a blob in; InvalidArgument when `expected` is given and does not match. Returns what was stored. */
  ingest(
    data: Readable,
    expected?: { digest?: Digest; size?: number },
    options?: { signal?: AbortSignal; lease?: Lease },
  ): Promise<BlobInfo>;
  /**
   * Moves a complete file into the store when its size and digest match, with no second copy (the
   * registry's upload staging files, kept on the store's filesystem). The file is consumed either way;
   * InvalidArgument on a mismatch, as for ingest. `hashedAs`: the digest the caller computed over every byte
   * as it wrote the file; the file is then not read back to hash it (it is still fsynced before the rename).
   */
  commitFile(
    path: string,
    expected: { digest: Digest; size?: number },
    options?: { signal?: AbortSignal; hashedAs?: Digest; lease?: Lease },
  ): Promise<BlobInfo>;
  /** Stores a small in-memory blob (configs, manifests). */
  put(data: Uint8Array | string, options?: { lease?: Lease }): Promise<BlobInfo>;
  has(digest: Digest): Promise<boolean>;
  info(digest: Digest): Promise<BlobInfo>;
  /** The blob's bytes, or the inclusive byte range `start..end` of them (HTTP Range requests). */
  read(digest: Digest, range?: { start: number; end?: number }): Readable;
  readAll(digest: Digest): Promise<Buffer>;
  /**
   * The blob's file, open for reading, where the store keeps blobs as local files (a server can then hand it to
   * the kernel with sendfile); NotFound when absent. The caller closes it.
   */
  openFile?(digest: Digest): Promise<BlobFile>;
  delete(digest: Digest): Promise<void>;
  list(): Promise<Digest[]>;
  /** Drops partial ingests. Called at start. */
  cleanupIngests(): Promise<void>;
}
