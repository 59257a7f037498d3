// GET /system/df: disk use by images, containers, volumes and build cache, in Docker's pre-1.52 shape.
import type { FastifyInstance } from 'fastify';
import type { ImageService } from '../../engine/images/image-service.js';
import type { ContainersApi } from '../../engine/containers/types.js';
import { toImageSummary } from '../compat/image-json.js';
import { toContainerSummary } from '../compat/container-json.js';
import type { VolumeService } from '../../engine/volumes/volume-service.js';
import { toVolumeJson } from '../compat/volume-json.js';

export interface DiskUsageSources {
  images: ImageService;
  containers?: ContainersApi;
  /** Image id -> how many containers use it. */
  containersPerImage?: () => Map<string, number>;
  volumes?: VolumeService;
  buildCache?: { usage(): object[] };
}

export function systemDfRoutes(app: FastifyInstance, sources: DiskUsageSources): void {
  app.get('/system/df', async (req) => {
    const views = await sources.images.list({ all: true, filters: new Map() });
    const perImage = sources.containersPerImage?.() ?? new Map<string, number>();
    const containers = sources.containers
      ? await sources.containers.list({ all: true, limit: undefined, size: true, filters: new Map() })
      : [];
    return {
      LayersSize: sources.images.layersSize(),
      Images: views.map((v) => ({
        ...toImageSummary(v, req.apiVersion, perImage.get(v.record.id) ?? 0),
        SharedSize: 0,
      })),
      Containers: containers.map((c) => toContainerSummary(c.record, c.size)),
      Volumes: sources.volumes ? (await sources.volumes.diskUsage()).map(toVolumeJson) : [],
      BuildCache: sources.buildCache?.usage() ?? [],
    };
  });
}
