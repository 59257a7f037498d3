// runtime.v1.ImageService over berth's one image store: what the CRI pulls shows in `docker images`, and
// the reverse. Every method calls an engine use case (images, registry pull); nothing goes through api/.
import type { ServiceImpl } from '@connectrpc/connect';
import type { Digest } from '../lib/digest.js';
import { invalidArgument, isKind } from '../core/errdefs.js';
import { fullName, parseReference, withDefaultTag } from '../core/images/reference.js';
import type { ImageRecord } from '../core/images/image-record.js';
import type { CriDeps } from './cri-deps.js';
import type { ImageService } from './proto.js';
import { credentialsOf, toCriImage } from './image-mapping.js';

export function imageService(deps: CriDeps): ServiceImpl<typeof ImageService> {
  const { images } = deps;

  /** The image a CRI reference (ID, ID prefix, name, name@digest) points at; none when there is none. */
  const lookup = (ref: string): ImageRecord | undefined => {
    if (ref === '') throw invalidArgument('image reference is empty');
    try {
      return images.find(ref);
    } catch (err) {
      if (isKind(err, 'NotFound')) return undefined;
      throw err;
    }
  };

  return {
    async listImages(req) {
      const wanted = req.filter?.image?.image;
      if (wanted) {
        const record = lookup(wanted);
        return { images: record ? [toCriImage(await images.view(record))] : [] };
      }
      const views = await images.list({ all: false, filters: new Map() });
      return { images: views.map(toCriImage) };
    },

    async imageStatus(req) {
      const record = lookup(req.image?.image ?? '');
      if (!record) return {};
      const view = await images.view(record);
      const info: Record<string, string> = req.verbose
        ? {
            info: JSON.stringify({
              id: record.id,
              manifest: record.manifest,
              chainID: record.layers[record.layers.length - 1]?.chainId ?? '',
              imageSpec: view.config,
            }),
          }
        : {};
      return { image: toCriImage(view), info };
    },

    async pullImage(req, context) {
      const given = req.image?.image ?? '';
      if (given === '') throw invalidArgument('image reference is empty');
      // The CRI's "busybox" is docker.io/library/busybox:latest, one tag: never every tag of the repository.
      const ref = fullName(withDefaultTag(parseReference(given)));
      await deps.registry.pull(ref, undefined, {
        credentials: credentialsOf(req.auth),
        signal: context.signal,
        progress: () => undefined,
      });
      const pulled = images.find(ref);
      return { imageRef: pulled.id as Digest };
    },

    async removeImage(req) {
      // Idempotent, as the CRI asks: an image already gone is no error. All of its names go with it.
      const record = lookup(req.image?.image ?? '');
      if (record) await images.remove(record.id, { force: true, noprune: false });
      return {};
    },

    async imageFsInfo() {
      const usage = await images.layersUsage();
      return {
        imageFilesystems: [
          {
            timestamp: BigInt(Date.now()) * 1_000_000n,
            fsId: { mountpoint: deps.imageFsMountpoint },
            usedBytes: { value: BigInt(usage.bytes) },
            inodesUsed: { value: BigInt(usage.inodes) },
          },
        ],
      };
    },
  };
}
