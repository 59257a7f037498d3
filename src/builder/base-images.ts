// The images a build starts from (FROM) or reads (COPY --from, RUN --mount from=): the local image when there
// is one for the build's platform, otherwise pulled through the engine's pull use case, as dockerd's classic
// builder does; pull=1 pulls even a local one. Credentials come from X-Registry-Config, chosen by the
// reference's registry. Each name is resolved once per build, whichever stage asks first.
import { isKind, notFound } from '../core/errdefs.js';
import { isImageId, parseReference, withDefaultTag, fullName, familiarName } from '../core/images/reference.js';
import { normalizePlatform, platformMatches, formatPlatform } from '../core/remotes/platform.js';
import { registryHost } from '../core/remotes/registry-host.js';
import type { BuildMessage, BuilderDeps, BuildRequest } from './ports.js';
import type { StepImage } from './step-image.js';

export class BaseImages {
  private readonly resolved = new Map<string, Promise<StepImage>>();
  /** Names this build's pulls added to the store (they were not local before), by the name asked for. */
  private readonly added = new Map<string, string>();
  /** Names asked for as something else than a cache source (FROM, COPY --from, RUN --mount). */
  private readonly used = new Set<string>();

  constructor(
    private readonly deps: BuilderDeps,
    private readonly request: BuildRequest,
    private readonly signal: AbortSignal,
  ) {}

  /** The image `name` names, pulling it when needed; pull progress goes to `emit`. */
  get(name: string, emit: (m: BuildMessage) => void, purpose: 'base' | 'cache' = 'base'): Promise<StepImage> {
    if (purpose === 'base') this.used.add(name);
    let found = this.resolved.get(name);
    if (!found) {
      found = this.resolve(name, emit);
      this.resolved.set(name, found);
    }
    return found;
  }

  private async local(name: string): Promise<StepImage | undefined> {
    try {
      const record = this.deps.images.find(name);
      const config = await this.deps.images.config(record.id);
      const { platform } = this.request;
      // An image for another platform is not the one asked for: dockerd looks it up as not found (and pulls).
      if (
        platform &&
        !platformMatches(
          platform,
          normalizePlatform({
            os: config.os || 'linux',
            architecture: config.architecture || 'amd64',
            variant: config.variant,
          }),
        )
      )
        return undefined;
      return { record, config };
    } catch (err) {
      if (isKind(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  private async resolve(name: string, emit: (m: BuildMessage) => void): Promise<StepImage> {
    const pullable = !isImageId(name);
    if (!this.request.pull || !pullable) {
      const image = await this.local(name);
      if (image) return image;
    }
    const { puller } = this.deps;
    if (!pullable || !puller) {
      const { platform } = this.request;
      throw notFound(
        platform ? `No such image: ${name} for platform ${formatPlatform(platform)}` : `No such image: ${name}`,
      );
    }
    const ref = withDefaultTag(parseReference(name));
    const reference = fullName(ref);
    const wasLocal = this.request.pull ? (await this.local(reference)) !== undefined : false;
    await puller.pull(reference, {
      platform: this.request.platform,
      credentials:
        this.request.registryAuth?.[ref.domain] ??
        (await this.request.session?.credentials?.(registryHost(ref.domain), {
          signal: this.signal,
        })),
      signal: this.signal,
      progress: emit,
    });
    if (!wasLocal) this.added.set(name, reference);
    const image = await this.local(reference);
    if (!image) throw notFound(`pulled ${familiarName(ref)}, but it is not for the build's platform`);
    return image;
  }

  /**
   * The names pulled only as cache sources (`--cache-from <image>`) that were not in the store before: BuildKit
   * imports a cache without naming it among the engine's images, so the caller takes these names off again.
   */
  cacheOnlyPulls(): string[] {
    return [...this.added].filter(([name]) => !this.used.has(name)).map(([, reference]) => reference);
  }
}
