// The registry server's index: which blobs and manifests each repository holds, its tags, upload sessions,
// and what garbage collection may sweep. Blob and manifest bytes live in a ContentStore; this index only
// names them. Lifecycle: opened at start by the composition root, closed at stop. Every method is one
// transaction, so a crash leaves each change whole or absent. The methods are synchronous on purpose: a
// check and the write that depends on it (a manifest's references, a link GC wants to drop) happen in one
// transaction with no await in between.
import type { Digest } from '../../lib/digest.js';

export interface ManifestRecord {
  repo: string;
  digest: Digest;
  mediaType: string;
  size: number;
  /** The manifest this one refers to (OCI `subject`), for the referrers API. */
  subject?: Digest;
  /** `artifactType`, else the config's media type (image manifests). */
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ManifestReferences {
  /** Config and layer blobs that must be linked in the repository. */
  blobs: Digest[];
  /** Child manifests (of an index) that must exist in the repository. */
  manifests: Digest[];
}

export interface Page {
  n?: number;
  last?: string;
}

export interface UploadSession {
  id: string;
  repo: string;
  startedAt: number;
}

export interface RegistryIndex {
  /** Links a blob into a repository (or refreshes the link's lease). */
  linkBlob(repo: string, digest: Digest): void;
  /** True when the blob is linked in the repository (or is one of its manifests); refreshes the lease. */
  touchBlob(repo: string, digest: Digest): boolean;
  /** Links `digest` into `repo` when `from` has it: a cross-repository mount. */
  mountBlob(repo: string, from: string, digest: Digest): boolean;
  unlinkBlob(repo: string, digest: Digest): boolean;

  /** Records a manifest (and a tag) when every reference is present; else returns the missing ones and writes nothing. */
  putManifest(record: ManifestRecord, refs: ManifestReferences, tag?: string): { missing: Digest[] };
  getManifest(repo: string, digest: Digest): ManifestRecord | undefined;
  resolveTag(repo: string, tag: string): Digest | undefined;
  /** Removes one tag; the manifest stays under its digest and other tags. */
  deleteTag(repo: string, tag: string): boolean;
  /** Removes a manifest and every tag naming it in the repository. */
  deleteManifest(repo: string, digest: Digest): boolean;
  repositoryExists(repo: string): boolean;
  listTags(repo: string, page: Page): string[];
  listRepositories(page: Page): string[];
  referrers(repo: string, subject: Digest): ManifestRecord[];

  createUpload(session: UploadSession): void;
  getUpload(id: string): UploadSession | undefined;
  deleteUpload(id: string): void;
  listUploads(): UploadSession[];

  /** GC step 1: drops links no manifest of their repository references and untouched since `cutoff` (ms). */
  sweepLinks(cutoff: number): number;
  /** GC step 2: true while any repository links the digest or holds it as a manifest. */
  isReferenced(digest: Digest): boolean;
  close(): void;
}
