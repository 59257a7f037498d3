// The registry client as the engine sees it (OCI distribution / Docker Registry v2). Lifecycle: one
// client per daemon (it caches which hosts speak plain HTTP and the bearer tokens it got); a repository
// handle per pull or push, bound to the credentials of that request. Errors are EngineErrors:
// NotFound (unknown manifest or blob), Unauthorized, Forbidden, InvalidArgument (bad content), Unavailable.
import type { Readable } from 'node:stream';
import type { Digest } from '../../lib/digest.js';

/** What X-Registry-Auth and POST /auth carry (Docker's AuthConfig, minus the address). */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** A refresh token from an earlier login (OAuth2 flow). */
  identityToken?: string;
  /** A bearer token to use as is. */
  registryToken?: string;
}

export interface FetchedManifest {
  digest: Digest;
  mediaType: string;
  bytes: Buffer;
}

export interface BlobRef {
  digest: Digest;
  size: number;
}

export interface RemoteRepository {
  readonly domain: string;
  /** Path within the registry, e.g. "library/busybox". */
  readonly path: string;
  /** By tag or digest; the bytes are checked against the digest asked for (or the one the registry names). */
  getManifest(reference: string, options?: { signal?: AbortSignal }): Promise<FetchedManifest>;
  /** The blob's bytes from `offset`; a connection lost midway is resumed with an HTTP Range request. */
  openBlob(blob: BlobRef, options?: { offset?: number; signal?: AbortSignal }): Readable;
  hasBlob(digest: Digest, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** Cross-repository mount from another repository of the same registry; false when the registry declined. */
  mountBlob(digest: Digest, fromPath: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** Uploads a blob (monolithic when small, chunked when large); `open` is called again for a retry. */
  pushBlob(
    blob: BlobRef,
    open: () => Readable,
    options?: { signal?: AbortSignal; onProgress?: (bytes: number) => void },
  ): Promise<void>;
  putManifest(reference: string, mediaType: string, bytes: Buffer, options?: { signal?: AbortSignal }): Promise<Digest>;
  /** Every tag of the repository (following pagination). */
  listTags(options?: { signal?: AbortSignal }): Promise<string[]>;
}

/** One hit of a registry's v1 search API, in Docker's ImageSearch shape. */
export interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

export interface RegistryClient {
  repository(
    domain: string,
    path: string,
    credentials: RegistryCredentials | undefined,
    actions: readonly ('pull' | 'push')[],
  ): RemoteRepository;
  /** Checks credentials against the registry's /v2/ endpoint; Unauthorized when they are refused. */
  login(
    domain: string,
    credentials: RegistryCredentials,
    options?: { signal?: AbortSignal },
  ): Promise<{ identityToken?: string }>;
  /** The registry's v1 search API (`/v1/search?q=&n=`); what it answers as is. Docker Hub's is on its index host. */
  search(
    domain: string,
    query: string,
    limit: number,
    credentials: RegistryCredentials | undefined,
    options?: { signal?: AbortSignal },
  ): Promise<SearchResult[]>;
}
