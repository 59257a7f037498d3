// The builder service: `POST /build` (context in, classic JSON-lines progress out, image tagged at the end),
// `POST /build/prune`, the build-cache part of `/system/df`, and start-up repair of what a crash left
// (mounts, contexts, intermediate containers). Cached step images are kept from image GC through
// ImageService.setHiddenImages(builder.hiddenImages()).
import { buildCachePruneFilter } from './build-cache-filters.js';
import type { BuildCacheEntry } from '../core/builder/build-cache.js';
import type { Filters } from '../core/filters/filter-args.js';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { shortId } from '../lib/ids.js';
import { invalidArgument, isKind } from '../core/errdefs.js';
import { familiarOf, normalizeName } from '../core/images/reference.js';
import type { ImageRecord } from '../core/images/image-record.js';
import type { HiddenImages } from '../engine/images/image-service.js';
import type { Dockerfile } from './dockerfile/instructions.js';
import type { BuildContext } from './build-context.js';
import type { StepImage } from './step-image.js';
import type { BuildRun } from './build-run.js';
import { ImageSourceHashes } from './image-source-hashes.js';
import { forgetKept, keptContainers } from './kept-containers.js';
import { INTERMEDIATE_LABEL, type BuildMessage, type BuilderDeps, type BuildRequest } from './ports.js';

/** The build machinery, loaded with the first build (build-parts.ts). */
const buildParts = (): Promise<typeof import('./build-parts.js')> => import('./build-parts.js');

export interface BuildCacheUsage {
  ID: string;
  Parent: string;
  Parents: string[];
  Type: string;
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string;
  UsageCount: number;
}

export class Builder {
  private readonly runs = new Set<BuildRun>();
  private readonly imageSourceHashes = new ImageSourceHashes();
  /** Builds started with a buildid, for POST /build/cancel. */
  private readonly cancellers = new Map<string, AbortController>();

  constructor(private readonly deps: BuilderDeps) {}

  hiddenImages(): HiddenImages {
    return {
      list: () => this.deps.cache.list().map((e) => e.image),
      pinned: () => ({
        blobs: [...this.runs].flatMap((r) => [...r.pinned.blobs]),
        chains: [...this.runs].flatMap((r) => [...r.pinned.chains]),
      }),
    };
  }

  /** Builds; emits Docker's classic progress; resolves to the image ID. Errors before the first message are plain API errors. */
  async build(
    body: Readable,
    request: BuildRequest,
    emit: (m: BuildMessage) => void,
    options: { signal?: AbortSignal } = {},
  ): Promise<string> {
    const built = await this.buildTar(body, request, request.quiet ? () => undefined : emit, options);
    const { record, names, unused } = built;
    if (unused.length > 0 && !request.quiet)
      emit({ stream: `[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n` });
    // Quiet: only the ID, as a stream line; dockerd's aux goes to the suppressed output then.
    if (request.quiet) emit({ stream: `${record.id}\n` });
    else {
      emit({ aux: { ID: record.id } });
      emit({ stream: `Successfully built ${shortId(record.id)}\n` });
      for (const n of names) emit({ stream: `Successfully tagged ${familiarOf(n)}\n` });
    }
    return record.id;
  }

  /**
   * Builds a context tar (the body of POST /build) and stores the image under the request's tags. `emit`
   * undefined: no classic stream (POST /build?version=2 shows BuildKit's progress through request.steps).
   * `onContext` is told when the whole context has arrived.
   */
  async buildTar(
    body: Readable,
    request: BuildRequest,
    emit: ((m: BuildMessage) => void) | undefined,
    options: { signal?: AbortSignal; onContext?: () => void } = {},
  ): Promise<{ record: ImageRecord; names: string[]; unused: string[] }> {
    const names = request.tags.map((t) => {
      try {
        return normalizeName(t);
      } catch {
        throw invalidArgument(`invalid reference format: ${t}`);
      }
    });
    const contextDir = join(this.deps.workRoot, 'contexts', randomBytes(8).toString('hex'));
    const cancel = new AbortController();
    const { buildId } = request;
    if (buildId) this.cancellers.set(buildId, cancel);
    const signal = options.signal ? AbortSignal.any([options.signal, cancel.signal]) : cancel.signal;
    try {
      const { openContext, receiveContext } = await buildParts();
      await receiveContext(body, contextDir, { signal });
      const context = await openContext(contextDir, request.dockerfile);
      options.onContext?.();
      const { image, unused, cacheOnly } = await this.run(context, request, emit, { signal });
      await this.register(image.record, names);
      await this.untagCacheImages(cacheOnly);
      return { record: image.record, names, unused };
    } finally {
      if (buildId && this.cancellers.get(buildId) === cancel) this.cancellers.delete(buildId);
      await rm(contextDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /**
   * Builds a context that is already a directory (BuildKit's session sync put it there), with the Dockerfile's
   * text given apart; the image is stored untagged (the caller's exporter names it). Progress goes to
   * request.steps; the classic stream is dropped.
   */
  async buildDirectory(
    context: BuildContext,
    request: BuildRequest,
    options: { signal?: AbortSignal; inlineCache?: boolean } = {},
  ): Promise<{ record: ImageRecord; unusedArgs: string[] }> {
    const { image, unused, cacheOnly } = await this.run(context, request, undefined, options);
    // --cache-to type=inline: only the image carrying its step keys is stored (its config differs).
    const record = options.inlineCache
      ? await (await buildParts()).withInlineCache(this.deps.content, this.deps.cache, image, () => undefined)
      : image.record;
    await this.register(record, []);
    await this.untagCacheImages(cacheOnly);
    return { record, unusedArgs: unused };
  }

  /** `emit` undefined: the classic stream is not shown (BuildKit's progress comes from request.steps). */
  private async run(
    context: BuildContext,
    request: BuildRequest,
    emit: ((m: BuildMessage) => void) | undefined,
    options: { signal?: AbortSignal },
  ): Promise<{ image: StepImage; unused: string[]; cacheOnly: string[] }> {
    const { BuildRun, DockerfileParseError, parseStages } = await buildParts();
    let dockerfile: Dockerfile;
    try {
      dockerfile = parseStages(context.dockerfileText);
    } catch (err) {
      if (err instanceof DockerfileParseError) throw invalidArgument(err.message);
      throw err;
    }
    for (const w of dockerfile.warnings) request.steps?.warn?.(w);
    const run = new BuildRun(this.deps, request, context, dockerfile, options.signal, this.imageSourceHashes, {
      // Nothing shows the order of the classic lines then: a step's container goes while the next steps run.
      deferCleanup: emit === undefined,
    });
    this.runs.add(run);
    try {
      const image = await run.execute(emit ?? (() => undefined));
      return { image, unused: run.unusedArgs(), cacheOnly: run.cacheOnlyPulls() };
    } catch (err) {
      await this.untagCacheImages(run.cacheOnlyPulls());
      throw err;
    } finally {
      this.runs.delete(run);
    }
  }

  /** POST /build/cancel?id=: stops the build started with that buildid, if one is running. */
  cancel(buildId: string): void {
    this.cancellers.get(buildId)?.abort();
  }

  /** Runs fn on a built image's filesystem mounted read-only (BuildKit's local and tar exporters read it). */
  async withImageRoot<T>(record: ImageRecord, fn: (root: string) => Promise<T>): Promise<T> {
    const root = join(this.deps.workRoot, `export-${randomBytes(6).toString('hex')}`);
    await mkdir(root, { recursive: true });
    const top = record.layers.at(-1)?.chainId;
    try {
      if (top) await this.deps.mounter.mount(await this.deps.snapshots.mounts(top), root, { readonly: true });
      try {
        return await fn(root);
      } finally {
        if (top) await this.deps.mounter.unmount(root);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  /**
   * Takes off the names of cache-from images the build pulled (after the result is registered: the steps restored
   * from them are build cache entries, which keep their layers). An image in use by then keeps its name.
   */
  private async untagCacheImages(references: string[]): Promise<void> {
    for (const reference of references)
      await this.deps.images
        .remove(reference, { force: false, noprune: false })
        .catch((err: unknown) => this.deps.logger.debug({ err, reference }, 'cache-from image kept'));
  }

  private register(record: ImageRecord, names: string[]): Promise<void> {
    return this.deps.images.registerBuilt(record, names);
  }

  /** The cache entries the filters select; `shared`: the chain IDs a named image holds (the entry's layer is not the cache's alone). */
  private selectCache(filters: Filters): { all: BuildCacheEntry[]; selected: BuildCacheEntry[]; shared: Set<string> } {
    const select = buildCachePruneFilter(filters);
    const shared = new Set<string>(this.deps.images.listRecords().flatMap((r) => r.layers.map((l) => l.chainId)));
    const all = this.deps.cache.list();
    const selected = all.filter((e) => select(e, { shared: shared.has(e.image.layers.at(-1)?.chainId ?? '') }));
    return { all, selected, shared };
  }

  /**
   * `POST /build/prune` and BuildKit's Prune: drops the cache entries the filters select (and RUN cache mounts when
   * nothing narrows it), then what only the cache held. As BuildKit: keepDurationMs keeps what was used within it;
   * keepBytes keeps the cache when it is no bigger, else drops the least recently used until it is. `deleted`: the
   * dropped entries as `usage` showed them.
   */
  async prune(
    filters: Filters = new Map(),
    options: { keepBytes?: number; keepDurationMs?: number } = {},
  ): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number; deleted: BuildCacheUsage[] }> {
    const { all, selected, shared } = this.selectCache(filters);
    const usedSince = options.keepDurationMs ? Date.now() - options.keepDurationMs : undefined;
    let entries = selected.filter((e) => usedSince === undefined || Date.parse(e.lastUsed) < usedSince);
    if (options.keepBytes) entries = leastRecentlyUsedOver(all, entries, options.keepBytes);
    let reclaimed = 0;
    const counted = new Set<string>();
    for (const e of entries) {
      const top = e.image.layers.at(-1);
      if (e.size > 0 && top && !shared.has(top.chainId) && !counted.has(top.chainId)) {
        counted.add(top.chainId);
        reclaimed += e.size;
      }
    }
    const gone = new Set(entries);
    const deleted = selected.filter((e) => gone.has(e)).map((e) => usageOf(e, shared));
    this.deps.cache.delete(entries.map((e) => e.key));
    const narrowed = filters.size > 0 || Boolean(options.keepBytes) || Boolean(options.keepDurationMs);
    if (this.runs.size === 0 && !narrowed)
      await rm(join(this.deps.workRoot, 'cache-mounts'), { recursive: true, force: true });
    await this.deps.images.collectGarbage();
    return { CachesDeleted: entries.map((e) => e.key), SpaceReclaimed: reclaimed, deleted };
  }

  /** The cache's records (`/system/df`, `buildx du`), those the filters select. */
  usage(filters: Filters = new Map()): BuildCacheUsage[] {
    const { selected, shared } = this.selectCache(filters);
    return selected.map((e) => usageOf(e, shared));
  }

  /** At start, before snapshots are cleaned: mounts and contexts a crash left. */
  async repairMounts(): Promise<void> {
    await this.deps.mounter.unmountUnder(this.deps.workRoot);
    await rm(join(this.deps.workRoot, 'mnt'), { recursive: true, force: true });
    await rm(join(this.deps.workRoot, 'contexts'), { recursive: true, force: true });
    await mkdir(this.deps.workRoot, { recursive: true });
  }

  /** At start, after containers are restored: RUN containers a crash cut off (not those kept on purpose). */
  async repairContainers(): Promise<void> {
    const all = await this.deps.containers.list({
      all: true,
      limit: undefined,
      size: false,
      filters: new Map([['label', [INTERMEDIATE_LABEL]]]),
    });
    const kept = await keptContainers(this.deps.workRoot);
    const leftovers = all.filter((c) => !kept.has(c.record.id));
    const present = new Set(all.map((c) => c.record.id));
    await forgetKept(
      this.deps.workRoot,
      [...kept].filter((id) => !present.has(id)),
    );
    for (const c of leftovers) {
      await this.deps.containers.remove(c.record.id, { force: true, volumes: true }).catch((err: unknown) => {
        if (!isKind(err, 'NotFound'))
          this.deps.logger.warn({ err, container: c.record.id }, 'removing a build container failed');
      });
    }
    if (leftovers.length > 0)
      this.deps.logger.info({ count: leftovers.length }, 'removed build containers a crash left');
  }
}

/** One cache entry as `/system/df` and `buildx du` show it. */
function usageOf(e: BuildCacheEntry, shared: Set<string>): BuildCacheUsage {
  const top = e.image.layers.at(-1);
  return {
    ID: e.key.slice(0, 25),
    Parent: e.parent,
    Parents: e.parent ? [e.parent] : [],
    Type: 'regular',
    Description: e.description,
    InUse: false,
    Shared: top ? shared.has(top.chainId) : false,
    Size: e.size,
    CreatedAt: e.created,
    LastUsedAt: e.lastUsed,
    UsageCount: e.usageCount,
  };
}

/**
 * BuildKit's keep-storage: nothing goes while the whole cache is within keepBytes; else the selected entries go,
 * least recently used first, until what is left is.
 */
function leastRecentlyUsedOver(
  all: BuildCacheEntry[],
  selected: BuildCacheEntry[],
  keepBytes: number,
): BuildCacheEntry[] {
  let total = all.reduce((sum, e) => sum + e.size, 0);
  const dropped: BuildCacheEntry[] = [];
  for (const e of [...selected].sort((a, b) => Date.parse(a.lastUsed) - Date.parse(b.lastUsed))) {
    if (total <= keepBytes) break;
    dropped.push(e);
    total -= e.size;
  }
  return dropped;
}
