// cachefrom: images (pulled or loaded, so without the builder's own cache records) whose history can stand in
// for build steps, as dockerd's classic image cache does. A step matches a source when the step's parent is a
// prefix of the source (same history entries, same layers) and the source's next history entry was made by
// the same command. The source itself is the result when that entry is its last; otherwise the step's image is
// restored: the parent plus that entry and its layer. With sources given, a hit in the builder's own cache
// counts only when it lies on a source's history, as dockerd allows only a source's ancestors.
import { isKind } from '../core/errdefs.js';
import type { HistoryEntry, ImageConfigFile } from '../spec/oci/image.js';
import type { BuilderDeps } from './ports.js';
import { writeStepImage, type StepImage } from './step-image.js';

const sameEntry = (a: HistoryEntry, b: HistoryEntry): boolean =>
  (a.created ?? '') === (b.created ?? '') &&
  (a.created_by ?? '') === (b.created_by ?? '') &&
  (a.author ?? '') === (b.author ?? '') &&
  (a.comment ?? '') === (b.comment ?? '') &&
  !!a.empty_layer === !!b.empty_layer;

/** True when `prefix` (an image's history and layers) begins `image`; an empty prefix begins anything. */
function isPrefix(prefix: StepImage, image: StepImage, strict: boolean): boolean {
  const ph = prefix.config.history ?? [];
  const ih = image.config.history ?? [];
  const pd = prefix.config.rootfs?.diff_ids ?? [];
  const id = image.config.rootfs?.diff_ids ?? [];
  if (ih.length === 0) return false;
  if (ph.length === 0 && pd.length === 0) return true;
  if (strict ? ph.length >= ih.length : ph.length > ih.length) return false;
  if (pd.length > id.length) return false;
  return ph.every((h, i) => sameEntry(h, ih[i] as HistoryEntry)) && pd.every((d, i) => d === id[i]);
}

/** The index into the layers of the layer history entry `index` made, or undefined for an empty entry. */
function layerIndexOf(history: HistoryEntry[], index: number): number | undefined {
  if (history[index]?.empty_layer) return undefined;
  return history.slice(0, index).filter((h) => !h.empty_layer).length;
}

export class CacheSources {
  private loaded: Promise<StepImage[]> | undefined;

  constructor(
    private readonly deps: BuilderDeps,
    private readonly names: readonly string[],
    private readonly pin: (digest: string) => void,
  ) {}

  get active(): boolean {
    return this.names.length > 0;
  }

  /** The sources that exist locally; a missing one is skipped, as dockerd skips it (with a log line). */
  private sources(): Promise<StepImage[]> {
    this.loaded ??= (async () => {
      const out: StepImage[] = [];
      for (const name of this.names) {
        try {
          const record = this.deps.images.find(name);
          out.push({ record, config: await this.deps.images.config(record.id) });
        } catch (err) {
          if (!isKind(err, 'NotFound') && !isKind(err, 'InvalidArgument')) throw err;
          this.deps.logger.warn({ image: name }, 'cache-from image not found, skipped');
        }
      }
      return out;
    })();
    return this.loaded;
  }

  /** Whether a cached step image lies on some source's history (or is one). */
  async allows(image: StepImage): Promise<boolean> {
    return (await this.sources()).some((s) => s.record.id === image.record.id || isPrefix(image, s, false));
  }

  /** The image a source gives for the step `createdBy` on `parent` (whose result config is `config`), if any. */
  async match(parent: StepImage, createdBy: string, config: ImageConfigFile): Promise<StepImage | undefined> {
    const sources = await this.sources();
    const n = parent.config.history?.length ?? 0;
    for (const source of sources) {
      const history = source.config.history ?? [];
      const entry = history[n];
      if (!entry || !isPrefix(parent, source, true) || entry.created_by !== createdBy) continue;
      // dockerd follows the first source that matched for the rest of the build.
      sources.splice(0, sources.length, source);
      if (history.length === n + 1) return source;
      const at = layerIndexOf(history, n);
      const layer = at === undefined ? undefined : source.record.layers[at];
      if (at !== undefined && !layer) continue;
      const restored = { ...config, architecture: source.config.architecture, os: source.config.os };
      return writeStepImage(
        this.deps.content,
        parent,
        restored,
        { createdBy, ...(layer ? { layer } : {}), entry },
        this.pin,
      );
    }
    return undefined;
  }
}
