// Registering an image whose blobs are stored: its layers unpacked (chain ids shared), checked against the config's
// diff ids, a manifest written when it came without one, then the image and its names recorded in one
// transaction, so it appears whole or not at all.
import type { Digest } from '../../lib/digest.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import { invalidArgument } from '../../core/errdefs.js';
import type { ContentStore, Lease } from '../../core/content/content-store.js';
import type { ImageRecord, ImageRecords, LayerRecord } from '../../core/images/image-record.js';
import type { ImageConfigFile } from '../../spec/oci/image.js';
import type { ImageCollector } from './image-gc.js';
import { chainIds, type LayerUnpacker } from './layer-unpacker.js';
import { ociManifestOf } from '../../core/images/oci-manifest.js';

export interface RegistrationDeps {
  records: ImageRecords;
  content: ContentStore;
  unpacker: LayerUnpacker;
  collector: ImageCollector;
  config(id: Digest): Promise<ImageConfigFile>;
}

export type StoredLayer = { blob: Digest; mediaType: string; size: number };

/** Unpacks layers, checks them against the config, stores the manifest, then records image and names at once. */
export async function registerImage(
  deps: RegistrationDeps,
  configDigest: Digest,
  layers: StoredLayer[],
  manifestDigest: Digest | undefined,
  names: string[],
  options: { signal?: AbortSignal; parent?: Digest },
): Promise<Digest> {
  let config: ImageConfigFile;
  try {
    config = await deps.config(configDigest);
  } catch {
    throw invalidArgument(`invalid archive: config ${configDigest} is not valid JSON`);
  }
  const diffIds = config.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.length !== layers.length)
    throw invalidArgument(
      `invalid archive: config lists ${diffIds?.length ?? 0} layers, the manifest ${layers.length}`,
    );
  const chains = chainIds(diffIds as Digest[]);
  // Held until the record is saved: the layers' snapshots (a collection between their unpacking and the save
  // would find them nobody's), the layers' blobs, and a manifest written here.
  const lease = deps.collector.lease();
  chains.forEach((c) => lease.add(c));
  layers.forEach((l) => lease.add(l.blob));
  lease.add(configDigest);
  try {
    const sizes = await deps.unpacker.unpack(
      layers.map((l, i) => ({ ...l, diffId: diffIds[i] as Digest })),
      options,
    );
    const layerRecords: LayerRecord[] = layers.map((l, i) => ({
      blob: l.blob,
      mediaType: l.mediaType,
      size: l.size,
      diffId: diffIds[i] as Digest,
      chainId: chains[i] as Digest,
      unpackedSize: sizes[i] ?? 0,
    }));
    const manifest = manifestDigest ?? (await writeManifest(deps.content, configDigest, layerRecords, lease));
    const now = nowRfc3339Nano();
    const record: ImageRecord = {
      id: configDigest,
      manifest,
      layers: layerRecords,
      size: sizes.reduce((a, b) => a + b, 0),
      created: config.created ?? now,
      loaded: now,
      lastTagTime: names.length > 0 ? now : '',
      ...(options.parent ? { parent: options.parent } : {}),
    };
    // A name moved off another image is not announced as its untag: dockerd does not either.
    deps.records.save(record, names);
  } finally {
    lease.release();
  }
  return configDigest;
}

async function writeManifest(
  content: ContentStore,
  config: Digest,
  layers: LayerRecord[],
  lease: Lease,
): Promise<Digest> {
  const manifest = ociManifestOf(await content.info(config), layers);
  return (await content.put(JSON.stringify(manifest), { lease })).digest;
}
