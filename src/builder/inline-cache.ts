// Inline cache (BuildKit's `--cache-to type=inline` / `--cache-from <image>`): the build's step cache keys
// travel inside the image config, under BuildKit's key `moby.buildkit.cache.v0`: a base64 string of a JSON
// array of cache records, `[{digest, layers: [{layer, createdAt}], inputs: [[{link}]]}]`, `layer` indexing the
// image's own layers and `link` another record (BuildKit's inline form: the records of a CacheConfig, the
// layers being the image's). berth's records are its own step cache keys (`sha256:` + the key build-run.ts's
// cacheKey makes: sha256 of JSON [parent image ID, created_by, step extras]), one per step of the final
// stage, in build order, each linked to the one before: record i stands for the image's history entry
// H - N + i (H entries, N records; every step adds exactly one entry), its `layers` naming the image's top
// layer at that step. BuildKit's keys (LLB digests) and berth's never match, so an image made by the other
// engine gives misses, never wrong hits.
import type { Digest } from '../lib/digest.js';
import type { BuildCacheEntry, BuildCacheStore } from '../core/builder/build-cache.js';
import type { ImageRecord } from '../core/images/image-record.js';
import type { ContentStore } from '../core/content/content-store.js';
import type { HistoryEntry, ImageConfigFile } from '../spec/oci/image.js';
import { writeStepImage, type StepImage } from './step-image.js';
import { ociManifestOf } from '../core/images/oci-manifest.js';

export const INLINE_CACHE_KEY = 'moby.buildkit.cache.v0';

interface CacheRecord {
  digest: string;
  layers?: { layer: number; createdAt?: string }[];
  inputs?: { selector?: string; link: number }[][];
}

/** The build-cache entries that made `record`, oldest first (the steps of its last stage). */
function stepsOf(cache: BuildCacheStore, record: ImageRecord, historyLength: number): BuildCacheEntry[] {
  const byImage = new Map<string, BuildCacheEntry>();
  for (const e of cache.list()) {
    const seen = byImage.get(e.image.id);
    if (!seen || seen.lastUsed < e.lastUsed) byImage.set(e.image.id, e);
  }
  const steps: BuildCacheEntry[] = [];
  for (let id = record.id as string; steps.length < historyLength;) {
    const entry = byImage.get(id);
    if (!entry) break;
    steps.unshift(entry);
    id = entry.parent;
  }
  return steps;
}

/** The inline cache records of an image the builder made, from its step cache entries. */
export function inlineCacheRecords(cache: BuildCacheStore, image: StepImage): CacheRecord[] {
  const history = image.config.history ?? [];
  const steps = stepsOf(cache, image.record, history.length);
  const first = history.length - steps.length;
  return steps.map((step, i) => {
    const top = history.slice(0, first + i + 1).filter((h) => !h.empty_layer).length - 1;
    return {
      digest: `sha256:${step.key}`,
      ...(top >= 0 ? { layers: [{ layer: top, createdAt: step.created }] } : {}),
      ...(i > 0 ? { inputs: [[{ link: i - 1 }]] } : {}),
    };
  });
}

/** `image` written again with its inline cache in the config (a new config, so a new image ID, as BuildKit's). */
export async function withInlineCache(
  content: ContentStore,
  cache: BuildCacheStore,
  image: StepImage,
  pin: (digest: string) => void,
): Promise<ImageRecord> {
  const metadata = Buffer.from(JSON.stringify(inlineCacheRecords(cache, image))).toString('base64');
  const config = { ...image.config, [INLINE_CACHE_KEY]: metadata };
  const configBlob = await content.put(JSON.stringify(config), { lease: { add: pin } });
  const manifest = ociManifestOf(configBlob, image.record.layers);
  const manifestBlob = await content.put(JSON.stringify(manifest), { lease: { add: pin } });
  return { ...image.record, id: configBlob.digest, manifest: manifestBlob.digest };
}

/** One cache-from image's steps by key: its history entry and its layer (undefined for an empty entry). */
export interface InlineStep {
  source: StepImage;
  entry: HistoryEntry;
  /** How many of the source's layers the step's image has (its own included). */
  layerCount: number;
  ownLayer: boolean;
}

/** The steps an image's inline cache offers, by berth's step cache key; empty without one (or not berth's). */
export function inlineSteps(source: StepImage): Map<string, InlineStep> {
  const steps = new Map<string, InlineStep>();
  const raw = (source.config as unknown as Record<string, unknown>)[INLINE_CACHE_KEY];
  if (typeof raw !== 'string') return steps;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  } catch {
    return steps;
  }
  const history = source.config.history ?? [];
  const records = Array.isArray(parsed) ? (parsed as CacheRecord[]) : [];
  const first = history.length - records.length;
  if (first < 0) return steps;
  records.forEach((r, i) => {
    const entry = history[first + i];
    if (!entry || typeof r.digest !== 'string' || !r.digest.startsWith('sha256:')) return;
    const layerCount = history.slice(0, first + i + 1).filter((h) => !h.empty_layer).length;
    if (layerCount > source.record.layers.length) return;
    steps.set(r.digest.slice('sha256:'.length), { source, entry, layerCount, ownLayer: !entry.empty_layer });
  });
  return steps;
}

/** The step image a cache-from image gives for the step `key` on `parent` (its config `config`), if any. */
export async function restoreInlineStep(
  content: ContentStore,
  step: InlineStep,
  parent: StepImage,
  config: ImageConfigFile,
  createdBy: string,
  pin: (digest: string) => void,
): Promise<StepImage | undefined> {
  const { source, layerCount, ownLayer } = step;
  const parentLayers = parent.record.layers.map((l) => l.diffId as Digest);
  const sourceLayers = source.record.layers.map((l) => l.diffId as Digest);
  // The key names the parent, but its layers must also be the source's below the step (a corrupt or
  // foreign record never stacks a layer on the wrong tree).
  if (parentLayers.length !== layerCount - (ownLayer ? 1 : 0)) return undefined;
  if (!parentLayers.every((d, i) => d === sourceLayers[i])) return undefined;
  const layer = ownLayer ? source.record.layers[layerCount - 1] : undefined;
  const restored = { ...config, architecture: source.config.architecture, os: source.config.os };
  return writeStepImage(content, parent, restored, { createdBy, ...(layer ? { layer } : {}), entry: step.entry }, pin);
}

/** The cache-from images of one build (`--cache-from <image>`), read once, when a step first asks. A name that
 * cannot be resolved is skipped with a warning, as BuildKit goes on without a cache it cannot import. */
export class InlineCacheFrom {
  private loaded: Promise<Map<string, InlineStep>> | undefined;

  constructor(
    private readonly names: readonly string[],
    private readonly resolve: (name: string) => Promise<StepImage>,
    private readonly warn: (name: string, err: unknown) => void,
  ) {}

  get active(): boolean {
    return this.names.length > 0;
  }

  private steps(): Promise<Map<string, InlineStep>> {
    this.loaded ??= (async () => {
      const all = new Map<string, InlineStep>();
      for (const name of this.names) {
        try {
          for (const [key, step] of inlineSteps(await this.resolve(name))) if (!all.has(key)) all.set(key, step);
        } catch (err) {
          this.warn(name, err);
        }
      }
      return all;
    })();
    return this.loaded;
  }

  async match(
    content: ContentStore,
    key: string,
    parent: StepImage,
    config: ImageConfigFile,
    createdBy: string,
    pin: (digest: string) => void,
  ): Promise<StepImage | undefined> {
    if (!this.active) return undefined;
    const step = (await this.steps()).get(key);
    return step ? restoreInlineStep(content, step, parent, config, createdBy, pin) : undefined;
  }
}
