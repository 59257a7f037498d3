// What a step (RUN, COPY/ADD, WORKDIR) needs from the build it is part of; implemented by BuildRun.
import type { Mount } from '../core/snapshots/snapshotter.js';
import type { LayerRecord } from '../core/images/image-record.js';
import type { ImageConfigFile } from '../spec/oci/image.js';
import type { Stage } from './dockerfile/instructions.js';
import type { BuildContext } from './build-context.js';
import type { BuildMessage, BuilderDeps, BuildRequest } from './ports.js';
import type { StepImage } from './step-image.js';
import type { Expander, StageFlags } from './metadata-steps.js';
import type { ImageSourceHashes } from './image-source-hashes.js';
import type { SourceRoot } from './copy-sources.js';

export interface StageState {
  stage: Stage;
  /** ARGs declared in this stage, with their values (undefined: declared without one). */
  args: Map<string, string | undefined>;
  flags: StageFlags;
  /** The stage's output (pull progress of images it reads). */
  emit: (m: BuildMessage) => void;
}

export interface StepContext {
  readonly id: string;
  readonly deps: BuilderDeps;
  readonly request: BuildRequest;
  readonly context: BuildContext;
  readonly signal: AbortSignal;
  readonly workDir: string;
  /** COPY --from source hashes kept across builds (by image ID). */
  readonly imageSourceHashes: ImageSourceHashes;
  pin(digest: string): void;
  /**
   * Runs clean-up that no later step needs: at once, awaited (the promise returned), when the classic stream shows
   * its order; else in the background, the build ending only once it is done (undefined returned).
   */
  defer(cleanup: () => Promise<unknown>): Promise<unknown> | undefined;
  stageIndex(ref: string, from: number): number | undefined;
  stageResult(index: number): Promise<StepImage>;
  /** An image by name or ID (or the image a `docker-image://` named context gives), pulled when it is not local (or pull=1). */
  namedImage(name: string, emit: (m: BuildMessage) => void): Promise<StepImage>;
  /** The directory a named context of that name gives (`--build-context NAME=DIR`), else undefined. */
  namedDir(ref: string): SourceRoot | undefined;
  expander(state: StageState, image: StepImage, line: number): Expander;
  runArgs(state: StageState, image: StepImage): string[];
  cacheKey(parent: StepImage, createdBy: string, extra?: unknown): string;
  cachedStep(
    key: string,
    parent: StepImage,
    createdBy: string,
    say: (t: string) => void,
    produce: () => Promise<{ image: StepImage; size: number }>,
    config?: ImageConfigFile,
  ): Promise<StepImage>;
  commitUpper(
    dirs: { upper: string; lowers: string[] },
    parent: StepImage,
    activeKey?: string,
  ): Promise<LayerRecord | undefined>;
}

/** The upper and lower dirs of an active snapshot's mounts (overlay), or the bind source (no parents). */
export function snapshotDirs(mounts: Mount[]): { upper: string; lowers: string[] } {
  const m = mounts[0];
  if (!m) throw new Error('snapshot has no mounts');
  if (m.type === 'bind') return { upper: m.source, lowers: [] };
  const opt = (name: string): string | undefined =>
    m.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);
  const upper = opt('upperdir');
  if (!upper) throw new Error('snapshot mounts have no upper dir');
  return { upper, lowers: (opt('lowerdir') ?? '').split(':').filter(Boolean) };
}
