// A container's rootfs mounts: its snapshot's, with the init layer stacked in (core/containers/init-layer.ts) for
// the containers that get one. Used wherever a container's root is mounted: its start, and cp/export while stopped.
import type { ContainerRecord } from '../../core/containers/container-record.js';
import { getsInitLayer, withInitLayer } from '../../core/containers/init-layer.js';
import type { Mount, Snapshotter } from '../../core/snapshots/snapshotter.js';
import type { ContainerFiles } from './ports.js';

export async function containerRootfs(
  deps: { snapshots: Snapshotter; files: ContainerFiles },
  c: ContainerRecord,
  options?: { volatile?: boolean },
): Promise<Mount[]> {
  const mounts = await deps.snapshots.mounts(c.snapshotKey, options);
  return getsInitLayer(c.config.Labels) ? withInitLayer(mounts, await deps.files.initLayer()) : mounts;
}
