// `docker push` on the daemon side: every layer blob (top first, five at a time) is found on the registry,
// mounted from another repository of it the image came from, or uploaded; then the config, then the
// manifest as stored (so its digest is stable), and the repo digest is recorded. Progress as dockerd's.
import type { Digest } from '../../lib/digest.js';
import { isKind, notFound } from '../../core/errdefs.js';
import type { RegistryCredentials, RemoteRepository } from '../../core/remotes/registry-client.js';
import { auxMessage, shortId, statusMessage, stepMessage } from '../../core/remotes/progress-message.js';
import {
  familiarName,
  fullName,
  parseReference,
  repositoryName,
  type ImageReference,
} from '../../core/images/reference.js';
import type { ImageRecord, LayerRecord } from '../../core/images/image-record.js';
import { MEDIA_TYPES } from '../../spec/oci/image.js';
import type { PullDeps } from './pull-image.js';
import { byteReporter, type ProgressSink } from './pull-progress.js';
import { eachLimited } from '../../lib/each-limited.js';

const CONCURRENT_UPLOADS = 5;

export interface PushOptions {
  credentials?: RegistryCredentials;
  signal?: AbortSignal;
  progress: ProgressSink;
}

/** Pushes the image tagged `ref` (which carries a tag); returns the manifest digest. */
export async function pushImage(deps: PullDeps, ref: ImageReference, options: PushOptions): Promise<Digest> {
  const { progress, signal } = options;
  const name = fullName(ref);
  let image: ImageRecord;
  try {
    image = deps.images.find(name);
  } catch (err) {
    if (isKind(err, 'NotFound'))
      throw notFound(`An image does not exist locally with the tag: ${familiarName({ ...ref, tag: undefined })}`);
    throw err;
  }
  const content = deps.images.content();
  const repo = deps.registry.repository(ref.domain, ref.path, options.credentials, ['pull', 'push']);
  // Other repositories of this registry the image is known in: candidates for a cross-repository mount.
  const sources = deps.images
    .namesOf(image.id)
    .map((n) => parseReference(n))
    .filter((r) => r.domain === ref.domain && r.path !== ref.path)
    .map((r) => r.path);
  const release = deps.images.pin([image.id, image.manifest, ...image.layers.map((l) => l.blob)]);
  try {
    const top = [...image.layers].reverse();
    const unique = top.filter((l, i) => top.findIndex((o) => o.blob === l.blob) === i);
    for (const l of unique) progress(stepMessage(shortId(l.diffId), 'Preparing'));
    await uploadLayers(repo, unique, sources, content, options);
    const configInfo = await content.info(image.id);
    if (!(await repo.hasBlob(image.id, { signal })))
      await repo.pushBlob(configInfo, () => content.read(image.id), { signal });
    const bytes = await content.readAll(image.manifest);
    const mediaType =
      (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? MEDIA_TYPES.ociManifest;
    const tag = ref.tag ?? 'latest';
    const digest = await repo.putManifest(tag, mediaType, bytes, { signal });
    progress(statusMessage(`${tag}: digest: ${digest} size: ${bytes.length}`));
    progress(auxMessage({ Tag: tag, Digest: digest, Size: bytes.length }));
    deps.images.addName(image.id, `${repositoryName(ref)}@${digest}`);
    deps.events.publish({
      type: 'image',
      action: 'push',
      actor: { id: familiarName(ref), attributes: { name: familiarName({ ...ref, tag: undefined }) } },
    });
    return digest;
  } finally {
    release();
  }
}

async function uploadLayers(
  repo: RemoteRepository,
  layers: LayerRecord[],
  sources: string[],
  content: ReturnType<PullDeps['images']['content']>,
  options: PushOptions,
): Promise<void> {
  const { progress, signal } = options;
  await eachLimited(layers, CONCURRENT_UPLOADS, async (layer) => {
    const id = shortId(layer.diffId);
    if (await repo.hasBlob(layer.blob, { signal })) {
      progress(stepMessage(id, 'Layer already exists'));
      return;
    }
    let mounted: string | undefined;
    for (const from of sources) {
      if (await repo.mountBlob(layer.blob, from, { signal }).catch(() => false)) {
        mounted = from;
        break;
      }
    }
    if (mounted) {
      progress(stepMessage(id, `Mounted from ${mounted}`));
      return;
    }
    const report = byteReporter(progress, id, 'Pushing', layer.size);
    await repo.pushBlob({ digest: layer.blob, size: layer.size }, () => content.read(layer.blob), {
      signal,
      onProgress: report,
    });
    progress(stepMessage(id, 'Pushed'));
  });
}
