// The OCI manifest berth writes for an image it made (a build step, an import, a commit, a load without one): the
// config and the layers as stored, Docker's layer media type given as OCI's (the same bytes).
import type { BlobInfo } from '../content/content-store.js';
import { MEDIA_TYPES } from '../../spec/oci/image.js';
import type { LayerRecord } from './image-record.js';

export function ociManifestOf(config: BlobInfo, layers: readonly Pick<LayerRecord, 'blob' | 'mediaType' | 'size'>[]) {
  return {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({
      mediaType: l.mediaType === MEDIA_TYPES.dockerLayer ? MEDIA_TYPES.ociLayer : l.mediaType,
      digest: l.blob,
      size: l.size,
    })),
  };
}
