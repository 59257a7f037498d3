// The registry use cases of the image store: pull (one tag, a digest, or every tag), push (one tag or
// every tag of a repository), login, and distribution inspect. The work is in pull-image.ts and push-image.ts.
import type { Digest } from '../../lib/digest.js';
import { invalidArgument, notFound } from '../../core/errdefs.js';
import type { RegistryCredentials, SearchResult } from '../../core/remotes/registry-client.js';
import { searchImages, type SearchOptions } from './image-search.js';
import { hostPlatform, parsePlatform, type Platform } from '../../core/remotes/platform.js';
import { statusMessage } from '../../core/remotes/progress-message.js';
import {
  familiarName,
  familiarRepository,
  parseReference,
  repositoryName,
  type ImageReference,
} from '../../core/images/reference.js';
import { MEDIA_TYPES, type ImageConfigFile, type ImageIndex, type ImageManifest } from '../../spec/oci/image.js';
import { pullImage, type PullDeps } from './pull-image.js';
import { pushImage } from './push-image.js';
import type { ProgressSink } from './pull-progress.js';

export interface DistributionInspect {
  Descriptor: { mediaType: string; digest: Digest; size: number };
  Platforms: { architecture: string; os: string; variant?: string }[];
}

export class RegistryImages {
  readonly host: Platform = hostPlatform(process.arch);

  constructor(private readonly deps: PullDeps) {}

  /** `fromImage` with `tag` (a tag or a digest); neither: every tag of the repository. */
  async pull(
    fromImage: string,
    tag: string | undefined,
    options: { platform?: string; credentials?: RegistryCredentials; signal?: AbortSignal; progress: ProgressSink },
  ): Promise<void> {
    let ref = parseReference(fromImage);
    if (tag)
      ref = tag.includes(':')
        ? { ...ref, tag: undefined, digest: parseReference(`x@${tag}`).digest }
        : { ...ref, tag: parseReference(`x:${tag}`).tag };
    let platform: Platform;
    try {
      platform = parsePlatform(options.platform ?? '', this.host) ?? this.host;
    } catch (err) {
      throw invalidArgument((err as Error).message);
    }
    const each = { platform, credentials: options.credentials, signal: options.signal, progress: options.progress };
    if (ref.tag || ref.digest) {
      const result = await pullImage(this.deps, ref, each);
      options.progress(
        statusMessage(
          `Status: ${result.upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${familiarName(ref)}`,
        ),
      );
      return;
    }
    const tags = await this.deps.registry
      .repository(ref.domain, ref.path, options.credentials, ['pull'])
      .listTags({ signal: options.signal });
    if (tags.length === 0) throw notFound(`no tags found for ${familiarRepository(ref)}`);
    let newer = false;
    for (const t of tags) newer = !(await pullImage(this.deps, { ...ref, tag: t }, each)).upToDate || newer;
    options.progress(
      statusMessage(
        `Status: ${newer ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarRepository(ref)}`,
      ),
    );
  }

  /** `name` with `tag`; no tag: every local tag of that repository. */
  async push(
    name: string,
    tag: string | undefined,
    options: { credentials?: RegistryCredentials; signal?: AbortSignal; progress: ProgressSink },
  ): Promise<void> {
    const ref = parseReference(name);
    if (ref.digest) throw invalidArgument('cannot push a digest reference');
    const tagged: ImageReference[] = [];
    if (tag || ref.tag) tagged.push({ ...ref, tag: tag || ref.tag });
    else {
      const repo = repositoryName(ref);
      const views = await this.deps.images.list({ all: true, filters: new Map() });
      for (const v of views)
        for (const n of v.names)
          if (!n.includes('@') && n.slice(0, n.lastIndexOf(':')) === repo) tagged.push(parseReference(n));
      if (tagged.length === 0)
        throw notFound(`An image does not exist locally with the tag: ${familiarRepository(ref)}`);
    }
    options.progress(statusMessage(`The push refers to repository [${repositoryName(ref)}]`));
    for (const r of tagged) await pushImage(this.deps, r, options);
  }

  /** GET /images/search: the registry's v1 search API, filtered as Docker filters it. */
  search(term: string, options: SearchOptions): Promise<SearchResult[]> {
    return searchImages(this.deps.registry, term, options);
  }

  /** POST /auth: checks the credentials against the registry (Docker Hub when no address is given). */
  async login(
    serverAddress: string | undefined,
    credentials: RegistryCredentials,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ Status: string; IdentityToken: string }> {
    const domain = domainOf(serverAddress);
    const { identityToken } = await this.deps.registry.login(domain, credentials, options);
    return { Status: 'Login Succeeded', IdentityToken: identityToken ?? '' };
  }

  async distribution(
    name: string,
    options: { credentials?: RegistryCredentials; signal?: AbortSignal } = {},
  ): Promise<DistributionInspect> {
    const ref = parseReference(name);
    const repo = this.deps.registry.repository(ref.domain, ref.path, options.credentials, ['pull']);
    const m = await repo.getManifest(ref.digest ?? ref.tag ?? 'latest', options);
    const descriptor = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
    if (m.mediaType === MEDIA_TYPES.ociIndex || m.mediaType === MEDIA_TYPES.dockerManifestList) {
      const index = JSON.parse(m.bytes.toString('utf8')) as ImageIndex;
      return { Descriptor: descriptor, Platforms: index.manifests.flatMap((d) => (d.platform ? [d.platform] : [])) };
    }
    const manifest = JSON.parse(m.bytes.toString('utf8')) as ImageManifest;
    const config = JSON.parse(
      (
        await readAll(repo.openBlob({ digest: manifest.config.digest as Digest, size: manifest.config.size }, options))
      ).toString('utf8'),
    ) as ImageConfigFile;
    return {
      Descriptor: descriptor,
      Platforms: [
        { architecture: config.architecture, os: config.os, ...(config.variant ? { variant: config.variant } : {}) },
      ],
    };
  }
}

/** A login's server address ("localhost:5000", "https://index.docker.io/v1/") as a reference domain. */
export function domainOf(serverAddress: string | undefined): string {
  if (!serverAddress) return 'docker.io';
  const host = serverAddress.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
