// One repository reached through several endpoints tried in order (dockerd's registry-mirrors, then Docker Hub;
// containerd's hosts.toml mirrors, then its server): a lookup that fails at one endpoint goes to the next, and
// the last one's error is the answer. The endpoint that answered a manifest is asked first for what follows (the
// platform manifest, config and layers of the same pull). Pull only: pushes go to the domain itself.
import { Readable } from 'node:stream';
import type { Digest } from '../../lib/digest.js';
import { isDigest } from '../../lib/digest.js';
import { internal } from '../../core/errdefs.js';
import type { BlobRef, FetchedManifest, RemoteRepository } from '../../core/remotes/registry-client.js';
import type { Capability } from './registry-hosts.js';

export interface EndpointRepository {
  repository: RemoteRepository;
  capabilities: readonly Capability[];
}

export class FailoverRepository implements RemoteRepository {
  private preferred: RemoteRepository | undefined;

  constructor(
    readonly domain: string,
    readonly path: string,
    private readonly endpoints: readonly EndpointRepository[],
  ) {}

  /** The repositories that may do `capability`, the one that answered last first. */
  private candidates(capability: Capability): RemoteRepository[] {
    const able = this.endpoints.filter((e) => e.capabilities.includes(capability)).map((e) => e.repository);
    const first = this.preferred && able.includes(this.preferred) ? [this.preferred] : [];
    return [...first, ...able.filter((r) => r !== this.preferred)];
  }

  private async first<T>(
    capability: Capability,
    signal: AbortSignal | undefined,
    call: (repository: RemoteRepository) => Promise<T>,
  ): Promise<T> {
    let last: unknown = internal(`no endpoint of ${this.domain} may ${capability}`);
    for (const repository of this.candidates(capability)) {
      try {
        const answer = await call(repository);
        this.preferred = repository;
        return answer;
      } catch (err) {
        signal?.throwIfAborted();
        last = err;
      }
    }
    throw last;
  }

  getManifest(reference: string, options: { signal?: AbortSignal } = {}): Promise<FetchedManifest> {
    // A tag needs a host that may resolve names; a digest, any host that may pull (content is verified).
    return this.first(isDigest(reference) ? 'pull' : 'resolve', options.signal, (r) =>
      r.getManifest(reference, options),
    );
  }

  listTags(options: { signal?: AbortSignal } = {}): Promise<string[]> {
    return this.first('resolve', options.signal, (r) => r.listTags(options));
  }

  hasBlob(digest: Digest, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return this.first('pull', options.signal, (r) => r.hasBlob(digest, options));
  }

  /** Moves to the next endpoint only while no byte has come: after that, the endpoint's own resumption holds. */
  openBlob(blob: BlobRef, options: { offset?: number; signal?: AbortSignal } = {}): Readable {
    const candidates = this.candidates('pull');
    async function* bytes(): AsyncGenerator<Buffer> {
      let last: unknown = internal(`no endpoint may pull ${blob.digest}`);
      for (const repository of candidates) {
        let started = false;
        try {
          for await (const chunk of repository.openBlob(blob, options)) {
            started = true;
            yield chunk as Buffer;
          }
          return;
        } catch (err) {
          options.signal?.throwIfAborted();
          if (started) throw err;
          last = err;
        }
      }
      throw last;
    }
    return Readable.from(bytes(), { objectMode: false });
  }

  mountBlob(): Promise<boolean> {
    return Promise.reject(internal('a pull-only repository does not mount blobs'));
  }

  pushBlob(): Promise<void> {
    return Promise.reject(internal('a pull-only repository does not push'));
  }

  putManifest(): Promise<Digest> {
    return Promise.reject(internal('a pull-only repository does not push'));
  }
}
