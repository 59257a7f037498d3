// The image use cases: load, save, import, list, inspect, history, tag, remove, prune, disk usage, and
// resolving references for containers. Images appear whole (one metadata transaction after every blob and
// layer is in place) or not at all; what a failed or interrupted load left behind is collected. Beside it:
// image-registration.ts (recording an image), image-removal.ts (rmi, prune), image-gc.ts (collection, pins).
import { checkFilterKeys, createdNano, matchKVList, timeFilterNano } from '../../core/filters/filter-args.js';
import type { Readable } from 'node:stream';
import type { Logger } from '../../lib/logger.js';
import { sha256, type Digest } from '../../lib/digest.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import { invalidArgument, isKind, notFound } from '../../core/errdefs.js';
import type { EventPublisher } from '../../core/events/event.js';
import type { ContentStore } from '../../core/content/content-store.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import type { ImageRecord, ImageRecords } from '../../core/images/image-record.js';
import {
  familiarOf,
  isImageId,
  isValidName,
  normalizeName,
  parseReference,
  taggedName,
} from '../../core/images/reference.js';
import type { ImageConfigFile } from '../../spec/oci/image.js';
import type { ImageDeleteItem, ImagePruneReport } from '../../spec/docker/images.js';
import { MEDIA_TYPES } from '../../spec/oci/image.js';
import { ingestArchive, maybeGunzip } from './archive-ingest.js';
import { imagesInArchive } from './archive-images.js';
import { LayerUnpacker } from './layer-unpacker.js';
import { ImageCollector, type HiddenImages } from './image-gc.js';
import { registerImage, type RegistrationDeps } from './image-registration.js';
import { pruneImages, removeImage, tryNormalize, type RemovalDeps } from './image-removal.js';
import { applyChanges } from './image-changes.js';
import { noImageUsage, type ImageUsage, type ImageUser } from '../../core/images/image-usage.js';

export type { ImageView } from './image-view.js';
import type { ImageView } from './image-view.js';

export type { ImageUsage } from '../../core/images/image-usage.js';

export type DeleteItem = ImageDeleteItem;

export type { HiddenImages } from './image-gc.js';

export interface ImageServiceDeps {
  records: ImageRecords;
  content: ContentStore;
  snapshots: Snapshotter;
  events: EventPublisher;
  logger: Logger;
}

export class ImageService {
  private readonly unpacker: LayerUnpacker;
  private readonly configs = new Map<Digest, ImageConfigFile>();
  /** Measured usage of committed layer snapshots, by chain id (immutable, so measured once). */
  private readonly layerUsage = new Map<Digest, { size: number; inodes: number }>();
  private readonly collector: ImageCollector;
  private readonly registration: RegistrationDeps;
  private readonly removal: RemovalDeps;
  private usage: ImageUsage = noImageUsage;
  /** By container: the image a create in flight resolved, referenced until its record is stored or it failed. */
  private readonly creating = new Map<string, Digest>();
  private hidden: HiddenImages = { list: () => [], pinned: () => ({ blobs: [], chains: [] }) };

  constructor(private readonly deps: ImageServiceDeps) {
    this.unpacker = new LayerUnpacker(deps.content, deps.snapshots);
    this.collector = new ImageCollector({ ...deps, hidden: () => this.hidden });
    this.removal = {
      records: deps.records,
      find: (ref) => this.find(ref),
      usage: (id) => this.usersOf(id),
      views: () => this.list({ all: true, filters: new Map() }),
      forget: (id) => void this.configs.delete(id),
      collectGarbage: () => this.collectGarbage(),
      publish: (action, id, name) => this.publish(action, id, name),
    };
    this.registration = {
      ...deps,
      unpacker: this.unpacker,
      collector: this.collector,
      config: (id) => this.config(id),
    };
  }

  setUsage(usage: ImageUsage): void {
    this.usage = usage;
  }

  /** The stored containers using the image, and the creates in flight that resolved it (as stopped users). */
  private usersOf(id: Digest): ImageUser[] {
    const stored = this.usage(id);
    const inFlight = [...this.creating].filter(([c, image]) => image === id && !stored.some((u) => u.id === c));
    return [...stored, ...inFlight.map(([c]) => ({ id: c, running: false }))];
  }

  /** Drops the reference resolveForContainer took: the container's record is stored (it names the image), or the
   * create failed. */
  releaseCreate(containerId: string): void {
    this.creating.delete(containerId);
  }

  setHiddenImages(hidden: HiddenImages): void {
    this.hidden = hidden;
  }

  /** A built image: its blobs are stored and its layers committed; records it with its names at once. */
  async registerBuilt(record: ImageRecord, names: string[]): Promise<void> {
    // The config read first (its labels go into the tag events), so that recording and announcing stay one step.
    await this.config(record.id).catch(() => undefined);
    // A name moved off another image is not announced as its untag: dockerd does not either.
    this.deps.records.save(record, names);
    for (const n of names) this.publish('tag', record.id, familiarOf(n));
  }

  /** Unpacks layers (blobs already stored) into committed snapshots, reusing existing chain ids; returns unpacked sizes. */
  /** A build step's active snapshot committed as its layer's chain id (LayerUnpacker.adopt). */
  adoptLayer(chainId: Digest, key: string, options: { signal?: AbortSignal } = {}): Promise<number> {
    return this.unpacker.adopt(chainId, key, options);
  }

  unpackLayers(
    layers: { blob: Digest; mediaType: string; diffId: Digest }[],
    options: { signal?: AbortSignal } = {},
  ): Promise<number[]> {
    return this.unpacker.unpack(layers, options);
  }

  /**
   * An image event as dockerd's (20.10 and v27 alike): the image's labels, while its config is known (not after a
   * delete), then `name`, which is the image ID itself for load, import, save, untag and delete. Labels come from
   * the config cache: the paths that publish read the config first (registerImage, tag, remove, save).
   */
  private publish(action: string, id: string, name: string = id): void {
    const labels = action === 'delete' ? undefined : this.configs.get(id as Digest)?.config?.Labels;
    this.deps.events.publish({ type: 'image', action, actor: { id, attributes: { ...labels, name } } });
  }

  async config(id: Digest): Promise<ImageConfigFile> {
    const cached = this.configs.get(id);
    if (cached) return cached;
    const config = JSON.parse((await this.deps.content.readAll(id)).toString('utf8')) as ImageConfigFile;
    this.configs.set(id, config);
    return config;
  }

  /** By full ID, name (default tag), or unique ID prefix, as Docker looks images up. */
  find(ref: string): ImageRecord {
    const { records } = this.deps;
    if (isImageId(ref)) {
      const id = (ref.startsWith('sha256:') ? ref : `sha256:${ref}`) as Digest;
      const image = records.get(id) ?? this.hidden.list().find((h) => h.id === id);
      if (image) return image;
    }
    let normalized: string | undefined;
    try {
      normalized = normalizeName(ref);
      const id = records.resolveName(normalized);
      if (id) {
        const image = records.get(id);
        if (image) return image;
      }
    } catch (err) {
      if (!/^[a-f0-9]+$/.test(ref.replace(/^sha256:/, ''))) throw err;
    }
    const hex = ref.replace(/^sha256:/, '');
    if (/^[a-f0-9]{1,64}$/.test(hex)) {
      const matches = records.findByPrefix(hex);
      if (matches.length === 1 && matches[0]) return matches[0];
      if (matches.length > 1) throw invalidArgument(`ambiguous image ID prefix: ${ref}`);
    }
    throw notFound(`No such image: ${normalized ? familiarOf(normalized) : ref}`);
  }

  async view(record: ImageRecord): Promise<ImageView> {
    return { record, config: await this.config(record.id), names: this.readableNames(record.id) };
  }

  /** An image's names, less any that do not parse (stored by an older berth): one bad row must not break listing. */
  private readableNames(id: ImageRecord['id']): string[] {
    const names = this.deps.records.namesOf(id);
    const bad = names.filter((n) => !isValidName(n));
    if (bad.length > 0) this.deps.logger.warn({ image: id, names: bad }, 'image names that do not parse are skipped');
    return bad.length > 0 ? names.filter(isValidName) : names;
  }

  /** Loads every image in a docker-archive or OCI layout tar; returns Docker's progress lines. */
  async load(body: Readable, options: { signal?: AbortSignal } = {}): Promise<string[]> {
    // Held from the first blob on: a collection while a long archive streams in must not take its blobs.
    const lease = this.collector.lease();
    try {
      const files = await ingestArchive(body, this.deps.content, { ...options, lease });
      const found = await imagesInArchive(files, this.deps.content);
      if (found.length === 0) throw invalidArgument('invalid archive: no images in it');
      const lines: string[] = [];
      for (const image of found) {
        const names = image.names.map((n) => normalizeName(n));
        const id = await registerImage(this.registration, image.config, image.layers, image.manifest, names, options);
        if (names.length === 0) lines.push(`Loaded image ID: ${id}`);
        for (const n of names) lines.push(`Loaded image: ${familiarOf(n)}`);
        // One event per image, named by its ID whatever its tags, as dockerd's.
        this.publish('load', id);
      }
      return lines;
    } finally {
      lease.release();
      await this.collectGarbage().catch((err: unknown) =>
        this.deps.logger.warn({ err }, 'image garbage collection failed'),
      );
    }
  }

  /** `POST /images/create?fromSrc=-`: a rootfs tar (plain or gzip) becomes a one-layer image. */
  async importRootfs(
    body: Readable,
    options: { repo?: string; tag?: string; changes: string[]; message?: string; signal?: AbortSignal },
  ): Promise<Digest> {
    const name = options.repo ? taggedName(options.repo, options.tag) : undefined;
    const lease = this.collector.lease();
    try {
      const layer = await this.deps.content.ingest(await maybeGunzip(body), {}, { signal: options.signal, lease });
      const arch = process.arch === 'x64' ? 'amd64' : process.arch;
      const created = new Date().toISOString();
      const config: ImageConfigFile = {
        architecture: arch,
        os: 'linux',
        created,
        config: applyChanges({}, options.changes),
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
        history: [{ created, created_by: '', comment: options.message || 'Imported from -' }],
      };
      const configBlob = await this.deps.content.put(JSON.stringify(config), { lease });
      const id = await registerImage(
        this.registration,
        configBlob.digest,
        [{ blob: layer.digest, mediaType: MEDIA_TYPES.ociLayer, size: layer.size }],
        undefined,
        name ? [name] : [],
        options,
      );
      // dockerd tags the imported image (a tag event) before it announces the import.
      if (name) this.publish('tag', id, familiarOf(name));
      this.publish('import', id);
      return id;
    } finally {
      lease.release();
      await this.collectGarbage().catch(() => undefined);
    }
  }

  /**
   * `docker commit`: a new image = the parent's layers + `layer` (an uncompressed layer tar), with `runConfig`
   * and a history entry appended to the parent's. Registered like any image (appears whole or not at all).
   */
  async commitLayer(request: {
    parent: string | undefined;
    layer: Readable;
    runConfig: NonNullable<ImageConfigFile['config']>;
    container?: { id: string; config: Record<string, unknown> };
    author?: string;
    comment?: string;
    createdBy: string;
    repo?: string;
    tag?: string;
    signal?: AbortSignal;
  }): Promise<Digest> {
    const name = request.repo ? taggedName(request.repo, request.tag) : undefined;
    const parent = request.parent ? this.find(request.parent) : undefined;
    const parentConfig = parent ? await this.config(parent.id) : undefined;
    // The parent's layers too: the new image references them only once it is recorded.
    const lease = this.collector.lease();
    parent?.layers.forEach((l) => lease.add(l.blob));
    try {
      const layer = await this.deps.content.ingest(request.layer, {}, { signal: request.signal, lease });
      // Nothing changed: Docker records an empty-layer history entry and no new layer.
      const empty = layer.digest === EMPTY_TAR_DIGEST;
      const created = nowRfc3339Nano();
      const arch = process.arch === 'x64' ? 'amd64' : process.arch;
      const config: ImageConfigFile = {
        architecture: parentConfig?.architecture ?? arch,
        ...(request.author ? { author: request.author } : {}),
        config: request.runConfig,
        ...(request.container ? { container: request.container.id, container_config: request.container.config } : {}),
        created,
        history: [
          ...(parentConfig?.history ?? []),
          {
            created,
            ...(request.author ? { author: request.author } : {}),
            created_by: request.createdBy,
            ...(request.comment ? { comment: request.comment } : {}),
            ...(empty ? { empty_layer: true } : {}),
          },
        ],
        os: parentConfig?.os ?? 'linux',
        rootfs: {
          type: 'layers',
          diff_ids: [...(parentConfig?.rootfs?.diff_ids ?? []), ...(empty ? [] : [layer.digest])],
        },
      };
      const configBlob = await this.deps.content.put(JSON.stringify(config), { lease });
      const layers = [
        ...(parent?.layers ?? []).map((l) => ({ blob: l.blob, mediaType: l.mediaType, size: l.size })),
        ...(empty ? [] : [{ blob: layer.digest, mediaType: MEDIA_TYPES.ociLayer, size: layer.size }]),
      ];
      const id = await registerImage(this.registration, configBlob.digest, layers, undefined, name ? [name] : [], {
        signal: request.signal,
        parent: parent?.id,
      });
      // The commit itself is a container event (container-commit.ts); the name is an image tag event, as dockerd's.
      if (name) this.publish('tag', id, familiarOf(name));
      return id;
    } finally {
      lease.release();
      await this.collectGarbage().catch(() => undefined);
    }
  }

  async tag(ref: string, repo: string, tag: string | undefined): Promise<void> {
    // Everything checked before the write, as Docker does: a refused tag changes nothing.
    if (parseReference(repo).digest) throw invalidArgument('refusing to create a tag with a digest reference');
    const name = taggedName(repo, tag);
    const image = this.find(ref);
    await this.config(image.id).catch(() => undefined);
    // The image the name leaves gets no untag event, as on dockerd (20.10 and v27's graph-driver store).
    this.deps.records.tag(name, image.id, nowRfc3339Nano());
    this.publish('tag', image.id, familiarOf(name));
  }

  async list(options: { all: boolean; filters: Map<string, string[]> }): Promise<ImageView[]> {
    const records = this.deps.records.list();
    const views = await Promise.all(records.map((r) => this.view(r)));
    const parents = new Set(records.map((r) => r.parent));
    const get = (t: string): string[] => options.filters.get(t) ?? [];
    checkFilterKeys(options.filters, IMAGE_LIST_FILTERS);
    const dangling = get('dangling')[0];
    if (dangling !== undefined && !['true', 'false', '1', '0'].includes(dangling))
      throw invalidArgument(`invalid filter 'dangling=${dangling}'`);
    // Times compared as instants: RFC 3339 strings with different fraction lengths do not sort as text.
    const at = (view: ImageView): number => Date.parse(view.record.created) || 0;
    const before = get('before').map((r) => Date.parse(this.find(r).created) || 0);
    const since = get('since').map((r) => Date.parse(this.find(r).created) || 0);
    // `until` as Docker's list reads it: created strictly before the earliest value.
    const until = get('until').map((v) => timeFilterNano(v));
    const matchName = (n: string, pattern: string): boolean => {
      const rx = new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '.')}$`,
      );
      const familiar = familiarOf(n);
      const repoOnly = familiar.replace(/:[^:/]+$/, '');
      return rx.test(familiar) || rx.test(repoOnly) || rx.test(n);
    };
    const references = get('reference');
    // As Docker: with a reference filter, an image lists only the names that match it (RepoTags, RepoDigests).
    const matching = (view: ImageView): ImageView =>
      references.length === 0
        ? view
        : { ...view, names: view.names.filter((n) => references.some((p) => matchName(n, p))) };
    return (
      views
        .filter((v) => dangling === undefined || (v.names.length === 0) === (dangling === 'true' || dangling === '1'))
        // An untagged parent is an intermediate image, as Docker lists it: with `all` only, never as dangling.
        .filter((v) => v.names.length > 0 || !parents.has(v.record.id) || (options.all && dangling === undefined))
        .filter((v) => matchKVList(options.filters, 'label', v.config.config?.Labels))
        .filter((v) => until.every((t) => createdNano(v.record.created) < t))
        .map(matching)
        .filter((v) => references.length === 0 || v.names.length > 0)
        .filter((v) => before.every((t) => at(v) < t) && since.every((t) => at(v) > t))
        .sort((a, b) => at(b) - at(a))
    );
  }

  /** The image's parent, its parent's parent and so on (Docker's history walks them), as far as they are here. */
  ancestors(id: Digest): { id: Digest; names: string[] }[] {
    const out: { id: Digest; names: string[] }[] = [];
    for (let p = this.deps.records.get(id)?.parent; p && out.length < 10_000;) {
      const record = this.deps.records.get(p);
      if (!record) break;
      out.push({ id: p, names: this.deps.records.namesOf(p) });
      p = record.parent;
    }
    return out;
  }

  async remove(ref: string, options: { force: boolean; noprune: boolean }): Promise<DeleteItem[]> {
    // The config cached first: the untag events carry the image's labels.
    await this.config(this.find(ref).id).catch(() => undefined);
    return removeImage(this.removal, ref, options);
  }

  prune(filters: Map<string, string[]>): Promise<ImagePruneReport> {
    return pruneImages(this.removal, filters);
  }

  /** At start, before any load: drops layer extractions a crash interrupted (active `extract-*` snapshots). */
  dropInterruptedUnpacks(): Promise<number> {
    return this.collector.dropInterruptedUnpacks();
  }

  /** Blobs and layer snapshots that no image references are removed (bottom-up for snapshots). */
  collectGarbage(): Promise<void> {
    return this.collector.collect();
  }

  /** What `docker save` writes for these references: each image once, with the names asked for. */
  async saveEntries(refs: string[]): Promise<{ image: ImageRecord; tags: string[] }[]> {
    const out = new Map<Digest, { image: ImageRecord; tags: string[] }>();
    for (const ref of refs) {
      const image = this.find(ref);
      const entry = out.get(image.id) ?? { image, tags: [] };
      // By name: that name travels with it; by ID: no names, as Docker does.
      const normalized = isImageId(ref) ? undefined : tryNormalize(ref);
      if (
        normalized &&
        this.deps.records.namesOf(image.id).includes(normalized) &&
        !entry.tags.includes(familiarOf(normalized))
      )
        entry.tags.push(familiarOf(normalized));
      out.set(image.id, entry);
    }
    // A save event per image, named by its ID, as dockerd's (published as the archive starts, not once it is sent).
    for (const { image } of out.values()) {
      await this.config(image.id).catch(() => undefined);
      this.publish('save', image.id);
    }
    return [...out.values()];
  }

  content(): ContentStore {
    return this.deps.content;
  }

  /** For pulls and pushes (pull-image.ts, push-image.ts): the shared unpacker, blob pins, and registering. */
  layers(): LayerUnpacker {
    return this.unpacker;
  }

  /** Keeps blobs from garbage collection until the returned release is called. */
  pin(digests: Digest[]): () => void {
    return this.collector.pin(digests);
  }

  /** Records a pulled image (every blob stored, layers unpacked) under `names` (tags and repo digests). */
  registerPulled(
    config: Digest,
    layers: { blob: Digest; mediaType: string; size: number }[],
    manifest: Digest,
    names: string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<Digest> {
    return registerImage(this.registration, config, layers, manifest, names, options);
  }

  /** Adds a name (a repo digest after a push) without touching the image's tag time. */
  addName(id: Digest, name: string): void {
    const image = this.deps.records.get(id);
    if (image) this.deps.records.tag(name, id, image.lastTagTime);
  }

  /** Full names (tags and repo digests) pointing at an image. */
  namesOf(id: Digest): string[] {
    return this.deps.records.namesOf(id);
  }

  /** For containers: the image's config and top layer. */
  async resolveForContainer(
    ref: string,
    forContainer?: string,
  ): Promise<{ id: string; config: NonNullable<ImageConfigFile['config']>; topChainId: string | undefined }> {
    let image: ImageRecord;
    try {
      image = this.find(ref);
    } catch (err) {
      if (isKind(err, 'NotFound'))
        throw notFound(`No such image: ${tryNormalize(ref) ? familiarOf(normalizeName(ref)) : ref}`);
      throw err;
    }
    // Referenced in the same turn as it is found (rmi and prune check and delete without yielding): a removal from
    // here until the container's record is stored sees it in use (Docker's conflict) instead of deleting it.
    if (forContainer) this.creating.set(forContainer, image.id);
    const config = await this.config(image.id).catch((err: unknown) => {
      if (forContainer) this.releaseCreate(forContainer);
      throw err;
    });
    return { id: image.id, config: config.config ?? {}, topChainId: image.layers[image.layers.length - 1]?.chainId };
  }

  idsFor(ref: string): string[] {
    try {
      return [this.find(ref).id];
    } catch {
      return [];
    }
  }

  /** Every named or unnamed image record (not the build cache's). */
  listRecords(): ImageRecord[] {
    return this.deps.records.list();
  }

  count(): number {
    return this.deps.records.list().length;
  }

  layersSize(): number {
    const seen = new Set<string>();
    let total = 0;
    for (const image of this.deps.records.list())
      for (const l of image.layers) {
        if (seen.has(l.chainId)) continue;
        seen.add(l.chainId);
        total += l.unpackedSize;
      }
    return total;
  }

  /**
   * Bytes and inodes the unpacked layers of every image take on disk (the CRI's ImageFsInfo, which kubelet asks
   * for often). Each layer is measured once: committed snapshots never change.
   */
  async layersUsage(): Promise<{ bytes: number; inodes: number }> {
    const chains = new Set(this.deps.records.list().flatMap((image) => image.layers.map((l) => l.chainId)));
    for (const known of this.layerUsage.keys()) if (!chains.has(known)) this.layerUsage.delete(known);
    let bytes = 0;
    let inodes = 0;
    for (const chain of chains) {
      let usage = this.layerUsage.get(chain);
      if (!usage) {
        usage = await this.deps.snapshots.usage(chain).catch(() => undefined);
        if (usage) this.layerUsage.set(chain, usage);
      }
      bytes += usage?.size ?? 0;
      inodes += usage?.inodes ?? 0;
    }
    return { bytes, inodes };
  }
}

const IMAGE_LIST_FILTERS = ['dangling', 'label', 'reference', 'before', 'since', 'until'];

/** A tar with nothing in it (two zero blocks): the diff of an unchanged container. */
export const EMPTY_TAR_DIGEST = sha256(Buffer.alloc(1024));
