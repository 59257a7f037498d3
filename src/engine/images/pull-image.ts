// `docker pull` on the daemon side: resolves a tag or digest (an index narrowed to one platform), stores
// manifest and config, downloads layers three at a time into the content store (digest and size checked,
// dropped connections resumed by the registry client) and unpacks each as soon as it and the layer below
// are in, then records the image with its tag and repo digest in one transaction. Progress as dockerd's.
import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { Logger } from '../../lib/logger.js';
import { BULK_CHUNK, CoalescingStream } from '../../lib/bulk-io.js';
import { isDigest, type Digest } from '../../lib/digest.js';
import { withHeapHeadroom } from '../../lib/heap-headroom.js';
import { invalidArgument, isKind, notFound } from '../../core/errdefs.js';
import type { EventPublisher } from '../../core/events/event.js';
import type { RegistryClient, RegistryCredentials, RemoteRepository } from '../../core/remotes/registry-client.js';
import { formatPlatform, selectPlatform, type Platform } from '../../core/remotes/platform.js';
import { bytesMessage, shortId, statusMessage, stepMessage } from '../../core/remotes/progress-message.js';
import { familiarName, fullName, type ImageReference } from '../../core/images/reference.js';
import {
  MEDIA_TYPES,
  type Descriptor,
  type ImageConfigFile,
  type ImageIndex,
  type ImageManifest,
} from '../../spec/oci/image.js';
import type { ImageService } from './image-service.js';
import { chainIds } from './layer-unpacker.js';
import { compressionOf } from './layer-decompress.js';
import { byteReporter, CountingStream, type ProgressSink } from './pull-progress.js';

export interface PullDeps {
  images: ImageService;
  registry: RegistryClient;
  events: EventPublisher;
  logger: Logger;
}

export interface PullOptions {
  platform: Platform;
  credentials?: RegistryCredentials;
  signal?: AbortSignal;
  progress: ProgressSink;
}

export interface PullResult {
  id: Digest;
  /** The digest the tag pointed at (an index's, when it was one). */
  digest: Digest;
  upToDate: boolean;
}

const CONCURRENT_DOWNLOADS = 3;
const INDEX_TYPES: string[] = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList];
const MANIFEST_TYPES: string[] = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest];

/** Pulls one tag or digest of `ref` (which must carry one). */
export async function pullImage(deps: PullDeps, ref: ImageReference, options: PullOptions): Promise<PullResult> {
  const repo = deps.registry.repository(ref.domain, ref.path, options.credentials, ['pull']);
  const tagOrDigest = ref.digest ?? ref.tag ?? 'latest';
  const { signal, progress } = options;
  const content = deps.images.content();

  const top = await repo.getManifest(tagOrDigest, { signal }).catch((err: unknown) => {
    if (isKind(err, 'NotFound'))
      throw notFound(`manifest for ${familiarName(ref)} not found: ${(err as Error).message}`);
    throw err;
  });
  let manifestBlob = top;
  if (INDEX_TYPES.includes(top.mediaType)) {
    const index = JSON.parse(top.bytes.toString('utf8')) as ImageIndex;
    const chosen = selectPlatform(index.manifests ?? [], options.platform) as Descriptor | undefined;
    if (!chosen || !isDigest(chosen.digest))
      throw notFound(`no matching manifest for ${formatPlatform(options.platform)} in the manifest list entries`);
    manifestBlob = await repo.getManifest(chosen.digest, { signal });
  }
  if (!MANIFEST_TYPES.includes(manifestBlob.mediaType))
    throw invalidArgument(`unsupported manifest media type ${manifestBlob.mediaType} for ${familiarName(ref)}`);
  const manifest = JSON.parse(manifestBlob.bytes.toString('utf8')) as ImageManifest;
  if (!manifest.config || !isDigest(manifest.config.digest) || !Array.isArray(manifest.layers))
    throw invalidArgument(`invalid manifest for ${familiarName(ref)}`);
  for (const l of manifest.layers) {
    if (!isDigest(l.digest) || !/tar/.test(l.mediaType) || /foreign|nondistributable/.test(l.mediaType))
      throw invalidArgument(`unsupported layer ${l.digest} (${l.mediaType})`);
  }

  progress(statusMessage(`Pulling from ${ref.path}`, tagOrDigest));
  const layers = manifest.layers as (Descriptor & { digest: Digest })[];
  const configDigest = manifest.config.digest as Digest;
  const release = deps.images.pin([top.digest, manifestBlob.digest, configDigest, ...layers.map((l) => l.digest)]);
  try {
    await content.put(top.bytes);
    if (manifestBlob !== top) await content.put(manifestBlob.bytes);
    if (!(await content.has(configDigest)))
      await content.ingest(
        repo.openBlob({ digest: configDigest, size: manifest.config.size }, { signal }),
        { digest: configDigest, size: manifest.config.size },
        { signal },
      );
    const config = JSON.parse((await content.readAll(configDigest)).toString('utf8')) as ImageConfigFile;
    const diffIds = (config.rootfs?.diff_ids ?? []) as Digest[];
    if (diffIds.length !== layers.length)
      throw invalidArgument(`invalid image: config lists ${diffIds.length} layers, the manifest ${layers.length}`);

    const tagName = ref.digest ? undefined : fullName({ ...ref, digest: undefined });
    const digestName = fullName({ ...ref, tag: undefined, digest: top.digest });
    const names = [...(tagName ? [tagName] : []), digestName];
    const current = deps.images.idsFor(tagName ?? digestName)[0];
    if (current === configDigest && deps.images.namesOf(configDigest).includes(digestName)) {
      progress(statusMessage(`Digest: ${top.digest}`));
      return { id: configDigest, digest: top.digest, upToDate: true };
    }

    await withHeapHeadroom(() => fetchAndUnpack(deps, repo, layers, diffIds, options));
    const id = await deps.images.registerPulled(
      configDigest,
      layers.map((l) => ({ blob: l.digest, mediaType: l.mediaType, size: l.size })),
      manifestBlob.digest,
      names,
      { signal },
    );
    progress(statusMessage(`Digest: ${top.digest}`));
    deps.events.publish({
      type: 'image',
      action: 'pull',
      actor: {
        id: familiarName(ref),
        attributes: { name: familiarName({ ...ref, tag: undefined, digest: undefined }) },
      },
    });
    return { id, digest: top.digest, upToDate: current === configDigest };
  } finally {
    release();
  }
}

/**
 * Downloads what is missing (three at a time) and unpacks in order, each layer once it and its parent are ready.
 * A layer whose download starts when every layer below it is unpacked is unpacked from the download itself
 * (its bytes go to the content store and to the extractor at once), so extraction overlaps the downloads and
 * the blob is not read back; its snapshot is committed only after the blob's digest is checked.
 */
async function fetchAndUnpack(
  deps: PullDeps,
  repo: RemoteRepository,
  layers: (Descriptor & { digest: Digest })[],
  diffIds: Digest[],
  options: PullOptions,
): Promise<void> {
  const { progress } = options;
  const content = deps.images.content();
  const unpacker = deps.images.layers();
  const chains = chainIds(diffIds);
  const present = await Promise.all(
    layers.map(async (l, i) => (await unpacker.hasLayer(chains[i] as Digest)) && (await content.has(l.digest))),
  );
  for (const [i, l] of layers.entries())
    progress(stepMessage(shortId(l.digest), present[i] ? 'Already exists' : 'Pulling fs layer'));

  const abort = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
  /** Each download resolves, once its blob is stored, to the unpack it fed (when it was streamed). */
  const downloads = new Map<Digest, Promise<{ index: number; unpacked: Promise<number> } | undefined>>();
  /** Unpacks fed by downloads: a failed pull waits for them to drop their snapshots before it answers. */
  const streamedUnpacks: Promise<number>[] = [];
  /** Layers 0..unpackedBelow-1 are unpacked (or were present). */
  let unpackedBelow = 0;
  let running = 0;
  const queue: (() => void)[] = [];
  const slot = async (): Promise<void> => {
    if (running < CONCURRENT_DOWNLOADS) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => queue.push(resolve));
  };
  const free = (): void => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };
  const download = async (
    layer: Descriptor & { digest: Digest },
    index: number,
  ): Promise<{ index: number; unpacked: Promise<number> } | undefined> => {
    const id = shortId(layer.digest);
    if (running >= CONCURRENT_DOWNLOADS) progress(stepMessage(id, 'Waiting'));
    await slot();
    try {
      if (await content.has(layer.digest)) {
        progress(stepMessage(id, 'Download complete'));
        return undefined;
      }
      const report = byteReporter(progress, id, 'Downloading', layer.size);
      const blob = repo.openBlob({ digest: layer.digest, size: layer.size }, { signal });
      // Network reads are 16-64 KiB: gathered into 1 MiB chunks before the hashing, inflating and file writes.
      const gathered = new CoalescingStream();
      const counted = new CountingStream(report);
      // An error anywhere destroys all three with it; whoever reads `counted` sees it there.
      pipeline(blob, gathered, counted, () => undefined);
      const compression = compressionOf(layer.mediaType);
      const streamed = unpackedBelow === index && compression !== 'none';
      let toStore: Readable = counted;
      let fed: { index: number; unpacked: Promise<number> } | undefined;
      if (streamed) {
        const [store, unpack] = tee(counted);
        toStore = store;
        const stored = content.ingest(toStore, { digest: layer.digest, size: layer.size }, { signal });
        const unpacked = unpacker.unpackLayerFrom(
          { blob: layer.digest, mediaType: layer.mediaType, diffId: diffIds[index] as Digest },
          chains[index] as Digest,
          index === 0 ? undefined : chains[index - 1],
          { stream: unpack, compression, stored },
          { signal },
        );
        // Awaited by the unpack loop once the download has given its verdict (a corrupt blob is reported as that).
        unpacked.catch(() => undefined);
        streamedUnpacks.push(unpacked);
        fed = { index, unpacked };
        await verified(stored, layer.digest);
      } else {
        await verified(content.ingest(toStore, { digest: layer.digest, size: layer.size }, { signal }), layer.digest);
      }
      progress(stepMessage(id, 'Verifying Checksum'));
      progress(stepMessage(id, 'Download complete'));
      return fed;
    } finally {
      free();
    }
  };
  try {
    for (const [i, l] of layers.entries()) {
      if (present[i] || downloads.has(l.digest)) continue;
      const task = download(l, i);
      task.catch(() => abort.abort());
      downloads.set(l.digest, task);
    }
    for (const [i, l] of layers.entries()) {
      if (!present[i]) {
        const fed = await downloads.get(l.digest);
        const id = shortId(l.digest);
        if (fed?.index === i) {
          await fed.unpacked;
          progress(bytesMessage(id, 'Extracting', l.size, l.size));
        } else {
          const report = byteReporter(progress, id, 'Extracting', l.size);
          await unpacker.unpackLayer(
            { blob: l.digest, mediaType: l.mediaType, diffId: diffIds[i] as Digest },
            chains[i] as Digest,
            i === 0 ? undefined : chains[i - 1],
            { signal, onProgress: report },
          );
        }
        progress(stepMessage(id, 'Pull complete'));
      }
      unpackedBelow = i + 1;
    }
  } catch (err) {
    abort.abort();
    await Promise.allSettled([...downloads.values(), ...streamedUnpacks]);
    throw err;
  }
}

/** A download's ingest, its digest or size mismatch reported as dockerd words it. */
async function verified(ingest: Promise<unknown>, digest: Digest): Promise<void> {
  try {
    await ingest;
  } catch (err) {
    if (isKind(err, 'InvalidArgument'))
      throw invalidArgument(`filesystem layer verification failed for digest ${digest}`, err);
    throw err;
  }
}

/** Two readers of one stream, each getting every chunk; the source goes at the pace of the slower. */
function tee(source: Readable): [Readable, Readable] {
  const a = new PassThrough({ highWaterMark: BULK_CHUNK });
  const b = new PassThrough({ highWaterMark: BULK_CHUNK });
  source.on('error', (err) => {
    a.destroy(err);
    b.destroy(err);
  });
  source.pipe(a);
  source.pipe(b);
  return [a, b];
}
