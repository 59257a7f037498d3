// One build step's image: a config (with the step appended to history) and a manifest written to the
// content store; layers are already stored and committed. The image ID is the config digest, as Docker's.
import { sha256, type Digest } from '../lib/digest.js';
import { nowRfc3339Nano } from '../lib/time.js';
import type { Platform } from '../core/remotes/platform.js';
import type { ContentStore } from '../core/content/content-store.js';
import type { ImageRecord, LayerRecord } from '../core/images/image-record.js';
import type { HistoryEntry, ImageConfigFile } from '../spec/oci/image.js';
import { ociManifestOf } from '../core/images/oci-manifest.js';

export interface StepImage {
  record: ImageRecord;
  config: ImageConfigFile;
}

/** An empty image for `FROM scratch`. */
export function scratchImage(platform?: Platform): StepImage {
  const arch = platform?.architecture ?? (process.arch === 'x64' ? 'amd64' : process.arch);
  const config: ImageConfigFile = {
    architecture: arch,
    os: 'linux',
    ...(platform?.variant ? { variant: platform.variant } : {}),
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  };
  return {
    record: { id: '' as Digest, manifest: '' as Digest, layers: [], size: 0, created: '', loaded: '', lastTagTime: '' },
    config,
  };
}

export const cloneConfig = (config: ImageConfigFile): ImageConfigFile =>
  JSON.parse(JSON.stringify(config)) as ImageConfigFile;

/**
 * Writes the next image: `config` (already changed by the step) with one history entry for `createdBy` (or `entry`), and
 * `layer` appended when the step made one. `pin` is called with each blob before anything can collect it.
 */
export async function writeStepImage(
  content: ContentStore,
  parent: StepImage,
  config: ImageConfigFile,
  step: { createdBy: string; layer?: LayerRecord; entry?: HistoryEntry },
  pin: (digest: string) => void,
): Promise<StepImage> {
  // `entry`: the history entry to take as it is (a step restored from a cache-from image).
  const created = step.entry?.created ?? nowRfc3339Nano();
  const next = cloneConfig(config);
  next.created = created;
  next.history = [
    ...(parent.config.history ?? []),
    step.entry ?? { created, created_by: step.createdBy, ...(step.layer ? {} : { empty_layer: true }) },
  ];
  const layers = step.layer ? [...parent.record.layers, step.layer] : [...parent.record.layers];
  next.rootfs = { type: 'layers', diff_ids: layers.map((l) => l.diffId) };
  // The manifest needs only the config's digest and size: both blobs are written (each fsynced) at once.
  const configBytes = Buffer.from(JSON.stringify(next));
  const manifest = ociManifestOf({ digest: sha256(configBytes), size: configBytes.length }, layers);
  const [configBlob, manifestBlob] = await Promise.all([
    content.put(configBytes, { lease: { add: pin } }),
    content.put(JSON.stringify(manifest), { lease: { add: pin } }),
  ]);
  const record: ImageRecord = {
    id: configBlob.digest,
    manifest: manifestBlob.digest,
    layers,
    size: layers.reduce((a, l) => a + l.unpackedSize, 0),
    created,
    loaded: created,
    lastTagTime: '',
  };
  return { record, config: next };
}
