// One repository on one registry, over the distribution API: manifests by tag or digest (digest-checked),
// blobs (resumable download, existence, cross-repository mount, monolithic or chunked upload).
import type { Readable } from 'node:stream';
import { sha256, isDigest, type Digest } from '../../lib/digest.js';
import { invalidArgument, unavailable } from '../../core/errdefs.js';
import type { BlobRef, FetchedManifest, RemoteRepository } from '../../core/remotes/registry-client.js';
import { MEDIA_TYPES } from '../../spec/oci/image.js';
import type { RegistryHttp } from './registry-http.js';
import { registryError } from './registry-errors.js';
import { resumableBlob } from './resumable-blob.js';
import { repositoryScope } from '../../core/remotes/www-authenticate.js';

const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
].join(', ');
/** Manifests above this are refused (the distribution server's own limit is 4 MiB). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface UploadPolicy {
  /** Blobs up to this size go in one PUT; larger ones in PATCH chunks of `chunkSize`. */
  monolithicMax: number;
  chunkSize: number;
}

export const DEFAULT_UPLOAD: UploadPolicy = { monolithicMax: 32 * 1024 * 1024, chunkSize: 16 * 1024 * 1024 };

export class HttpRemoteRepository implements RemoteRepository {
  constructor(
    readonly domain: string,
    readonly path: string,
    private readonly http: RegistryHttp,
    private readonly upload: UploadPolicy = DEFAULT_UPLOAD,
  ) {}

  async getManifest(reference: string, options: { signal?: AbortSignal } = {}): Promise<FetchedManifest> {
    const res = await this.http.send('GET', `/v2/${this.path}/manifests/${reference}`, {
      headers: { Accept: MANIFEST_ACCEPT },
      signal: options.signal,
    });
    if (res.status !== 200) throw registryError(res.status, await res.text());
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_MANIFEST_BYTES) throw invalidArgument(`manifest ${reference} is too large (${length} bytes)`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length > MAX_MANIFEST_BYTES)
      throw invalidArgument(`manifest ${reference} is too large (${bytes.length} bytes)`);
    const digest = sha256(bytes);
    const named = isDigest(reference) ? reference : res.headers.get('docker-content-digest');
    if (named && named !== digest) throw invalidArgument(`manifest verification failed for digest ${named}`);
    let mediaType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    try {
      const parsed = JSON.parse(bytes.toString('utf8')) as {
        mediaType?: string;
        manifests?: unknown;
        config?: unknown;
      };
      if (parsed.mediaType) mediaType = parsed.mediaType;
      else if (!mediaType.includes('manifest') && !mediaType.includes('index'))
        mediaType = parsed.manifests ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest;
    } catch {
      throw invalidArgument(`manifest ${reference} is not valid JSON`);
    }
    return { digest, mediaType, bytes };
  }

  openBlob(blob: BlobRef, options: { offset?: number; signal?: AbortSignal } = {}): Readable {
    return resumableBlob(this.http, this.path, blob, options);
  }

  async hasBlob(digest: Digest, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const res = await this.http.send('HEAD', `/v2/${this.path}/blobs/${digest}`, { signal: options.signal });
    await res.body?.cancel();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw registryError(res.status, '', `HEAD ${digest}`);
  }

  async mountBlob(digest: Digest, fromPath: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const res = await this.http.send(
      'POST',
      `/v2/${this.path}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromPath)}`,
      {
        signal: options.signal,
        extraScopes: [repositoryScope(fromPath, ['pull'])],
      },
    );
    await res.body?.cancel();
    if (res.status === 201) return true;
    if (res.status === 202) {
      // An upload was opened instead; cancel it so it does not linger.
      const location = res.headers.get('location');
      if (location)
        await this.http.send('DELETE', await this.absolute(location), { signal: options.signal }).then(
          (r) => r.body?.cancel(),
          () => undefined,
        );
      return false;
    }
    return false;
  }

  async pushBlob(
    blob: BlobRef,
    open: () => Readable,
    options: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
  ): Promise<void> {
    // A failed upload starts over in a new upload session with the blob opened again.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.pushOnce(blob, open, options);
      } catch (err) {
        options.signal?.throwIfAborted();
        if (attempt >= 2 || ((err as { kind?: string }).kind && (err as { kind?: string }).kind !== 'Unavailable'))
          throw err;
      }
    }
  }

  private async pushOnce(
    blob: BlobRef,
    open: () => Readable,
    options: { signal?: AbortSignal; onProgress?: (bytes: number) => void },
  ): Promise<void> {
    let location = await this.startUpload(options.signal);
    if (blob.size <= this.upload.monolithicMax) {
      // Streamed in one PUT: the upload session above already settled authorization.
      const res = await this.http.send('PUT', withDigest(location, blob.digest), {
        stream: counted(open(), options.onProgress),
        headers: { 'Content-Type': 'application/octet-stream' },
        signal: options.signal,
      });
      return this.expectCreated(res, blob.digest);
    }
    let offset = 0;
    for await (const chunk of chunked(open(), this.upload.chunkSize)) {
      const res = await this.http.send('PATCH', location, {
        body: chunk,
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Range': `${offset}-${offset + chunk.length - 1}`,
        },
        signal: options.signal,
      });
      if (res.status !== 202) throw registryError(res.status, await res.text(), `uploading ${blob.digest}`);
      await res.body?.cancel();
      offset += chunk.length;
      options.onProgress?.(offset);
      location = await this.absolute(res.headers.get('location') ?? location);
    }
    const res = await this.http.send('PUT', withDigest(location, blob.digest), {
      body: Buffer.alloc(0),
      signal: options.signal,
    });
    return this.expectCreated(res, blob.digest);
  }

  async putManifest(
    reference: string,
    mediaType: string,
    bytes: Buffer,
    options: { signal?: AbortSignal } = {},
  ): Promise<Digest> {
    const res = await this.http.send('PUT', `/v2/${this.path}/manifests/${reference}`, {
      body: bytes,
      headers: { 'Content-Type': mediaType },
      signal: options.signal,
    });
    if (res.status !== 201 && res.status !== 200) throw registryError(res.status, await res.text());
    await res.body?.cancel();
    const digest = sha256(bytes);
    const named = res.headers.get('docker-content-digest');
    if (named && named !== digest) throw unavailable(`the registry stored manifest ${named}, expected ${digest}`);
    return digest;
  }

  async listTags(options: { signal?: AbortSignal } = {}): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `/v2/${this.path}/tags/list`;
    for (let page = 0; next && page < 1000; page++) {
      const res = await this.http.send('GET', next, { signal: options.signal });
      if (res.status !== 200) throw registryError(res.status, await res.text());
      tags.push(...(((await res.json()) as { tags?: string[] | null }).tags ?? []));
      // Link: </v2/name/tags/list?last=x&n=100>; rel="next"
      const link = /<([^>]+)>;\s*rel="?next"?/.exec(res.headers.get('link') ?? '')?.[1];
      next = link ? await this.absolute(link) : undefined;
    }
    return tags;
  }

  private async startUpload(signal?: AbortSignal): Promise<string> {
    const res = await this.http.send('POST', `/v2/${this.path}/blobs/uploads/`, { signal });
    await res.body?.cancel().catch(() => undefined);
    if (res.status !== 202) throw registryError(res.status, '', 'starting an upload');
    const location = res.headers.get('location');
    if (!location) throw unavailable('the registry started an upload without a Location');
    return this.absolute(location);
  }

  private async absolute(location: string): Promise<string> {
    return new URL(location, await this.http.url('/')).toString();
  }

  private async expectCreated(res: Response, digest: Digest): Promise<void> {
    if (res.status === 201 || res.status === 204) {
      await res.body?.cancel();
      return;
    }
    throw registryError(res.status, await res.text(), `uploading ${digest}`);
  }
}

function withDigest(location: string, digest: Digest): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.toString();
}

async function* counted(stream: Readable, onProgress?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    onProgress?.(total);
    yield chunk as Buffer;
  }
}

/** Re-cuts a stream into pieces of exactly `size` bytes (the last one shorter). */
async function* chunked(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const piece of stream) {
    let chunk = piece as Buffer;
    while (chunk.length > 0) {
      const take = Math.min(size - held, chunk.length);
      parts.push(chunk.subarray(0, take));
      held += take;
      chunk = chunk.subarray(take);
      if (held === size) {
        yield Buffer.concat(parts);
        parts = [];
        held = 0;
      }
    }
  }
  if (held > 0) yield Buffer.concat(parts);
}
