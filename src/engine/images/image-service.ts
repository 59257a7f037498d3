// The image use cases: load, save, import, list, inspect, history, tag, remove, prune, disk usage, and
// resolving references for containers. Images appear whole (one metadata transaction after every blob and
// layer is in place) or not at all; what a failed or interrupted load left behind is collected.
import { checkFilterKeys, createdAfter, createdNano, matchKVList, matchLabels, pruneUntilNano, timeFilterNano } from '../../core/filters/filter-args.js';
import type { Readable } from 'node:stream';
import type { Logger } from '../../lib/logger.js';
import { sha256, type Digest } from '../../lib/digest.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import { conflict, invalidArgument, isKind, notFound } from '../../core/errdefs.js';
import type { EventPublisher } from '../../core/events/event.js';
import type { ContentStore } from '../../core/content/content-store.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import type { ImageRecord, ImageRecords, LayerRecord } from '../../core/images/image-record.js';
import { familiarOf, isImageId, isValidName, normalizeName, parseReference, taggedName } from '../../core/images/reference.js';
import type { ImageConfigFile } from '../../spec/oci/image.js';
import type { ImageDeleteItem, ImagePruneReport } from '../../spec/docker/images.js';
import { MEDIA_TYPES } from '../../spec/oci/image.js';
import { ingestArchive, maybeGunzip } from './archive-ingest.js';
import { imagesInArchive } from './archive-images.js';
import { chainIds, EXTRACT_PREFIX, LayerUnpacker } from './layer-unpacker.js';
import { applyChanges } from './image-changes.js';
import { noImageUsage, type ImageUsage, type ImageUser } from '../../core/images/image-usage.js';

export interface ImageView {
  record: ImageRecord;
  config: ImageConfigFile;
  /** Full names pointing at it. */
  names: string[];
}

export type { ImageUsage } from '../../core/images/image-usage.js';

export type DeleteItem = ImageDeleteItem;

/** Images kept outside the named store (the build cache) and what builds in progress hold: kept from GC, found by full ID. */
export interface HiddenImages {
  list(): ImageRecord[];
  pinned(): { blobs: Iterable<string>; chains: Iterable<string> };
}

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
  /** Blobs of loads in progress: never collected. */
  private readonly pinned = new Set<Digest>();
  private usage: ImageUsage = noImageUsage;
  private hidden: HiddenImages = { list: () => [], pinned: () => ({ blobs: [], chains: [] }) };

  constructor(private readonly deps: ImageServiceDeps) {
    this.unpacker = new LayerUnpacker(deps.content, deps.snapshots);
  }

  setUsage(usage: ImageUsage): void {
    this.usage = usage;
  }

  setHiddenImages(hidden: HiddenImages): void {
    this.hidden = hidden;
  }

  /** A built image: its blobs are stored and its layers committed; records it with its names at once. */
  registerBuilt(record: ImageRecord, names: string[]): void {
    const { retagged } = this.deps.records.save(record, names);
    for (const r of retagged) this.publish('untag', r.previous, familiarOf(r.name));
    for (const n of names) this.publish('tag', record.id, familiarOf(n));
  }

  /** Unpacks layers (blobs already stored) into committed snapshots, reusing existing chain ids; returns unpacked sizes. */
  unpackLayers(layers: { blob: Digest; mediaType: string; diffId: Digest }[], options: { signal?: AbortSignal } = {}): Promise<number[]> {
    return this.unpacker.unpack(layers, options);
  }

  private publish(action: string, id: string, name?: string): void {
    this.deps.events.publish({ type: 'image', action, actor: { id, attributes: name ? { name } : {} } });
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
    const files = await ingestArchive(body, this.deps.content, options);
    const blobs = [...files.values()].map((f) => f.digest);
    blobs.forEach((b) => this.pinned.add(b));
    try {
      const found = await imagesInArchive(files, this.deps.content);
      if (found.length === 0) throw invalidArgument('invalid archive: no images in it');
      const lines: string[] = [];
      for (const image of found) {
        const names = image.names.map((n) => normalizeName(n));
        const id = await this.register(image.config, image.layers, image.manifest, names, options);
        if (names.length === 0) lines.push(`Loaded image ID: ${id}`);
        for (const n of names) lines.push(`Loaded image: ${familiarOf(n)}`);
        for (const n of names) this.publish('load', id, familiarOf(n));
        if (names.length === 0) this.publish('load', id);
      }
      return lines;
    } finally {
      blobs.forEach((b) => this.pinned.delete(b));
      await this.collectGarbage().catch((err: unknown) => this.deps.logger.warn({ err }, 'image garbage collection failed'));
    }
  }

  /** Unpacks layers, checks them against the config, stores the manifest, then records image and names at once. */
  private async register(configDigest: Digest, layers: { blob: Digest; mediaType: string; size: number }[], manifestDigest: Digest | undefined, names: string[], options: { signal?: AbortSignal }): Promise<Digest> {
    let config: ImageConfigFile;
    try {
      config = await this.config(configDigest);
    } catch {
      throw invalidArgument(`invalid archive: config ${configDigest} is not valid JSON`);
    }
    const diffIds = config.rootfs?.diff_ids;
    if (!Array.isArray(diffIds) || diffIds.length !== layers.length) throw invalidArgument(`invalid archive: config lists ${diffIds?.length ?? 0} layers, the manifest ${layers.length}`);
    const sizes = await this.unpacker.unpack(layers.map((l, i) => ({ ...l, diffId: diffIds[i] as Digest })), options);
    const chains = chainIds(diffIds as Digest[]);
    const layerRecords: LayerRecord[] = layers.map((l, i) => ({ blob: l.blob, mediaType: l.mediaType, size: l.size, diffId: diffIds[i] as Digest, chainId: chains[i] as Digest, unpackedSize: sizes[i] ?? 0 }));
    const manifest = manifestDigest ?? (await this.writeManifest(configDigest, layerRecords));
    const now = nowRfc3339Nano();
    const record: ImageRecord = { id: configDigest, manifest, layers: layerRecords, size: sizes.reduce((a, b) => a + b, 0), created: config.created ?? now, loaded: now, lastTagTime: names.length > 0 ? now : '' };
    this.pinned.add(manifest);
    let retagged: { name: string; previous: Digest }[];
    try {
      ({ retagged } = this.deps.records.save(record, names));
    } finally {
      if (!manifestDigest) this.pinned.delete(manifest);
    }
    for (const r of retagged) this.publish('untag', r.previous, familiarOf(r.name));
    return configDigest;
  }

  private async writeManifest(config: Digest, layers: LayerRecord[]): Promise<Digest> {
    const configInfo = await this.deps.content.info(config);
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: MEDIA_TYPES.ociConfig, digest: config, size: configInfo.size },
      layers: layers.map((l) => ({ mediaType: l.mediaType === MEDIA_TYPES.dockerLayer ? MEDIA_TYPES.ociLayer : l.mediaType, digest: l.blob, size: l.size })),
    };
    return (await this.deps.content.put(JSON.stringify(manifest))).digest;
  }

  /** `POST /images/create?fromSrc=-`: a rootfs tar (plain or gzip) becomes a one-layer image. */
  async importRootfs(body: Readable, options: { repo?: string; tag?: string; changes: string[]; message?: string; signal?: AbortSignal }): Promise<Digest> {
    const name = options.repo ? taggedName(options.repo, options.tag) : undefined;
    const layer = await this.deps.content.ingest(await maybeGunzip(body), {}, { signal: options.signal });
    this.pinned.add(layer.digest);
    try {
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
      const configBlob = await this.deps.content.put(JSON.stringify(config));
      this.pinned.add(configBlob.digest);
      try {
        const id = await this.register(configBlob.digest, [{ blob: layer.digest, mediaType: MEDIA_TYPES.ociLayer, size: layer.size }], undefined, name ? [name] : [], options);
        this.publish('import', id);
        return id;
      } finally {
        this.pinned.delete(configBlob.digest);
      }
    } finally {
      this.pinned.delete(layer.digest);
      await this.collectGarbage().catch(() => undefined);
    }
  }

  /**
   * `docker commit`: a new image = the parent's layers + `layer` (an uncompressed layer tar), with `runConfig`
   * and a history entry appended to the parent's. Registered like any image (appears whole or not at all).
   */
  async commitLayer(request: { parent: string | undefined; layer: Readable; runConfig: NonNullable<ImageConfigFile['config']>; author?: string; comment?: string; createdBy: string; repo?: string; tag?: string; signal?: AbortSignal }): Promise<Digest> {
    const name = request.repo ? taggedName(request.repo, request.tag) : undefined;
    const parent = request.parent ? this.find(request.parent) : undefined;
    const parentConfig = parent ? await this.config(parent.id) : undefined;
    const layer = await this.deps.content.ingest(request.layer, {}, { signal: request.signal });
    this.pinned.add(layer.digest);
    // Nothing changed: Docker records an empty-layer history entry and no new layer.
    const empty = layer.digest === EMPTY_TAR_DIGEST;
    try {
      const created = nowRfc3339Nano();
      const arch = process.arch === 'x64' ? 'amd64' : process.arch;
      const config: ImageConfigFile = {
        architecture: parentConfig?.architecture ?? arch,
        ...(request.author ? { author: request.author } : {}),
        config: request.runConfig,
        created,
        history: [...(parentConfig?.history ?? []), { created, ...(request.author ? { author: request.author } : {}), created_by: request.createdBy, ...(request.comment ? { comment: request.comment } : {}), ...(empty ? { empty_layer: true } : {}) }],
        os: parentConfig?.os ?? 'linux',
        rootfs: { type: 'layers', diff_ids: [...(parentConfig?.rootfs?.diff_ids ?? []), ...(empty ? [] : [layer.digest])] },
      };
      const configBlob = await this.deps.content.put(JSON.stringify(config));
      this.pinned.add(configBlob.digest);
      try {
        const layers = [...(parent?.layers ?? []).map((l) => ({ blob: l.blob, mediaType: l.mediaType, size: l.size })), ...(empty ? [] : [{ blob: layer.digest, mediaType: MEDIA_TYPES.ociLayer, size: layer.size }])];
        return await this.register(configBlob.digest, layers, undefined, name ? [name] : [], { signal: request.signal });
      } finally {
        this.pinned.delete(configBlob.digest);
      }
    } finally {
      this.pinned.delete(layer.digest);
      await this.collectGarbage().catch(() => undefined);
    }
  }

  async tag(ref: string, repo: string, tag: string | undefined): Promise<void> {
    // Everything checked before the write, as Docker does: a refused tag changes nothing.
    if (parseReference(repo).digest) throw invalidArgument('refusing to create a tag with a digest reference');
    const name = taggedName(repo, tag);
    const image = this.find(ref);
    const previous = this.deps.records.tag(name, image.id, nowRfc3339Nano());
    if (previous) this.publish('untag', previous, familiarOf(name));
    this.publish('tag', image.id, familiarOf(name));
  }

  async list(options: { all: boolean; filters: Map<string, string[]> }): Promise<ImageView[]> {
    const views = await Promise.all(this.deps.records.list().map((r) => this.view(r)));
    const get = (t: string): string[] => options.filters.get(t) ?? [];
    checkFilterKeys(options.filters, IMAGE_LIST_FILTERS);
    const dangling = get('dangling')[0];
    if (dangling !== undefined && !['true', 'false', '1', '0'].includes(dangling)) throw invalidArgument(`invalid filter 'dangling=${dangling}'`);
    // Times compared as instants: RFC 3339 strings with different fraction lengths do not sort as text.
    const at = (view: ImageView): number => Date.parse(view.record.created) || 0;
    const before = get('before').map((r) => Date.parse(this.find(r).created) || 0);
    const since = get('since').map((r) => Date.parse(this.find(r).created) || 0);
    // `until` as Docker's list reads it: created strictly before the earliest value.
    const until = get('until').map((v) => timeFilterNano(v));
    const matchName = (n: string, pattern: string): boolean => {
      const rx = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
      const familiar = familiarOf(n);
      const repoOnly = familiar.replace(/:[^:/]+$/, '');
      return rx.test(familiar) || rx.test(repoOnly) || rx.test(n);
    };
    const references = get('reference');
    // As Docker: with a reference filter, an image lists only the names that match it (RepoTags, RepoDigests).
    const matching = (view: ImageView): ImageView => (references.length === 0 ? view : { ...view, names: view.names.filter((n) => references.some((p) => matchName(n, p))) });
    return views
      .filter((v) => dangling === undefined || (v.names.length === 0) === (dangling === 'true' || dangling === '1'))
      .filter((v) => matchKVList(options.filters, 'label', v.config.config?.Labels))
      .filter((v) => until.every((t) => createdNano(v.record.created) < t))
      .map(matching)
      .filter((v) => references.length === 0 || v.names.length > 0)
      .filter((v) => before.every((t) => at(v) < t) && since.every((t) => at(v) > t))
      .sort((a, b) => at(b) - at(a));
  }

  async remove(ref: string, options: { force: boolean; noprune: boolean }): Promise<DeleteItem[]> {
    const image = this.find(ref);
    const names = this.deps.records.namesOf(image.id);
    const byId = isImageId(ref) || (!names.includes(this.tryNormalize(ref) ?? '') && image.id.slice(7).startsWith(ref.replace(/^sha256:/, '')));
    const users = this.usage(image.id);
    const items: DeleteItem[] = [];
    const short = image.id.slice(7, 19);

    if (!byId) {
      const name = normalizeName(ref);
      // As Docker: removing a repository's last tag also drops that repository's digest references (pulls, pushes).
      const repoOf = (n: string): string => n.replace(/@.*$/, '').replace(/:[^:/]+$/, '');
      const sameRepoTags = names.filter((n) => n !== name && !n.includes('@') && repoOf(n) === repoOf(name));
      const digestRefs = name.includes('@') || sameRepoTags.length > 0 ? [] : names.filter((n) => n.includes('@') && repoOf(n) === repoOf(name));
      const untag = (): DeleteItem[] =>
        [name, ...digestRefs].map((n) => {
          this.deps.records.untag(n);
          this.publish('untag', image.id, familiarOf(n));
          return { Untagged: familiarOf(n) };
        });
      if (names.some((n) => n !== name && !digestRefs.includes(n)) || (users.length > 0 && options.force && !users.some((u) => u.running))) return untag();
      if (users.length > 0) {
        const user = users[0] as ImageUser;
        throw conflict(`conflict: unable to remove repository reference "${ref}" (must force) - container ${user.id.slice(0, 12)} is using its referenced image ${short}`);
      }
      items.push(...untag());
    } else {
      const running = users.find((u) => u.running);
      if (running) throw conflict(`conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${running.id.slice(0, 12)}`);
      if (users.length > 0 && !options.force) throw conflict(`conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${(users[0] as { id: string }).id.slice(0, 12)}`);
      if (names.length > 1 && !options.force) throw conflict(`conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`);
      for (const n of names) {
        this.deps.records.untag(n);
        this.publish('untag', image.id, familiarOf(n));
        items.push({ Untagged: familiarOf(n) });
      }
      if (users.length > 0) return items;
    }
    if (this.deps.records.namesOf(image.id).length > 0 || this.usage(image.id).length > 0) return items;
    this.deps.records.delete(image.id);
    this.configs.delete(image.id);
    items.push({ Deleted: image.id });
    this.publish('delete', image.id);
    if (!options.noprune) await this.collectGarbage();
    return items;
  }

  private tryNormalize(ref: string): string | undefined {
    try {
      return normalizeName(ref);
    } catch {
      return undefined;
    }
  }

  async prune(filters: Map<string, string[]>): Promise<ImagePruneReport> {
    checkFilterKeys(filters, IMAGE_PRUNE_FILTERS);
    const danglingOnly = pruneDanglingOnly(filters);
    const until = pruneUntilNano(filters);
    const deleted: DeleteItem[] = [];
    let reclaimed = 0;
    for (const view of await this.list({ all: true, filters: new Map() })) {
      if (danglingOnly && view.names.length > 0) continue;
      if (this.usage(view.record.id).length > 0) continue;
      if (createdAfter(view.record.created, until)) continue;
      if (view.config.config && !matchLabels(filters, view.config.config.Labels)) continue;
      for (const n of view.names) {
        this.deps.records.untag(n);
        deleted.push({ Untagged: familiarOf(n) });
      }
      this.deps.records.delete(view.record.id);
      deleted.push({ Deleted: view.record.id });
      reclaimed += view.record.size;
      this.publish('delete', view.record.id);
    }
    if (deleted.length > 0) await this.collectGarbage();
    return { ImagesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
  }

  /** At start, before any load: drops layer extractions a crash interrupted (active `extract-*` snapshots). */
  async dropInterruptedUnpacks(): Promise<number> {
    const stale = (await this.deps.snapshots.list()).filter((s) => s.kind === 'active' && s.key.startsWith(EXTRACT_PREFIX));
    for (const s of stale) await this.deps.snapshots.remove(s.key).catch((err: unknown) => (isKind(err, 'NotFound') ? undefined : Promise.reject(err)));
    if (stale.length > 0) this.deps.logger.info({ count: stale.length }, 'dropped interrupted layer unpacks');
    return stale.length;
  }

  /** Blobs and layer snapshots that no image references are removed (bottom-up for snapshots). */
  async collectGarbage(): Promise<void> {
    const images = this.deps.records.list();
    const blobs = new Set<string>(this.pinned);
    const chains = new Set<string>();
    const held = this.hidden.pinned();
    for (const b of held.blobs) blobs.add(b);
    for (const c of held.chains) chains.add(c);
    for (const image of [...images, ...this.hidden.list()]) {
      blobs.add(image.id);
      blobs.add(image.manifest);
      for (const l of image.layers) {
        blobs.add(l.blob);
        chains.add(l.chainId);
      }
    }
    for (const digest of await this.deps.content.list()) if (!blobs.has(digest)) await this.deps.content.delete(digest);
    // Remove unreferenced committed layers, children first, so each removal finds no children.
    let removed = true;
    while (removed) {
      removed = false;
      const all = await this.deps.snapshots.list();
      const parents = new Set(all.map((s) => s.parent).filter(Boolean));
      for (const s of all) {
        if (s.kind !== 'committed' || chains.has(s.key) || parents.has(s.key)) continue;
        await this.deps.snapshots.remove(s.key).catch((err: unknown) => (isKind(err, 'NotFound') ? undefined : Promise.reject(err)));
        removed = true;
      }
    }
  }

  /** What `docker save` writes for these references: each image once, with the names asked for. */
  async saveEntries(refs: string[]): Promise<{ image: ImageRecord; tags: string[] }[]> {
    const out = new Map<Digest, { image: ImageRecord; tags: string[] }>();
    for (const ref of refs) {
      const image = this.find(ref);
      const entry = out.get(image.id) ?? { image, tags: [] };
      // By name: that name travels with it; by ID: no names, as Docker does.
      const normalized = isImageId(ref) ? undefined : this.tryNormalize(ref);
      if (normalized && this.deps.records.namesOf(image.id).includes(normalized) && !entry.tags.includes(familiarOf(normalized))) entry.tags.push(familiarOf(normalized));
      out.set(image.id, entry);
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
    const added = digests.filter((d) => !this.pinned.has(d));
    added.forEach((d) => this.pinned.add(d));
    return () => added.forEach((d) => this.pinned.delete(d));
  }

  /** Records a pulled image (every blob stored, layers unpacked) under `names` (tags and repo digests). */
  registerPulled(config: Digest, layers: { blob: Digest; mediaType: string; size: number }[], manifest: Digest, names: string[], options: { signal?: AbortSignal } = {}): Promise<Digest> {
    return this.register(config, layers, manifest, names, options);
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
  async resolveForContainer(ref: string): Promise<{ id: string; config: NonNullable<ImageConfigFile['config']>; topChainId: string | undefined }> {
    let image: ImageRecord;
    try {
      image = this.find(ref);
    } catch (err) {
      if (isKind(err, 'NotFound')) throw notFound(`No such image: ${this.tryNormalize(ref) ? familiarOf(normalizeName(ref)) : ref}`);
      throw err;
    }
    const config = await this.config(image.id);
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
}

const IMAGE_LIST_FILTERS = ['dangling', 'label', 'reference', 'before', 'since', 'until'];
const IMAGE_PRUNE_FILTERS = ['dangling', 'label', 'label!', 'until'];

/** Prune's `dangling`: true (the default) or false; anything else refused as Docker does. */
function pruneDanglingOnly(filters: Map<string, string[]>): boolean {
  const values = filters.get('dangling') ?? [];
  if (values.length === 0) return true;
  if (values.includes('false') || values.includes('0')) return false;
  if (values.includes('true') || values.includes('1')) return true;
  throw invalidArgument(`invalid filter 'dangling=${values.join(',')}'`);
}

/** A tar with nothing in it (two zero blocks): the diff of an unchanged container. */
export const EMPTY_TAR_DIGEST = sha256(Buffer.alloc(1024));
