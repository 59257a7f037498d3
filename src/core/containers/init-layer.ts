// Docker's init layer: what every container of the Docker API finds in its root whatever its image holds
// (/.dockerenv, which tools test to know they run in a container; /etc/mtab -> /proc/mounts; the mount points
// of /etc's files and of /dev's). dockerd makes it per container between the image and the container's layer;
// berth keeps one read-only tree for all containers (its entries do not depend on the container) and stacks it
// as the top lower layer of each container's overlay at mount time: nothing is written per container, it is not
// part of the container's own layer (so neither of `docker diff` nor of a commit), and `docker export` and the
// container's processes see it, as dockerd's.
import type { Mount } from '../snapshots/snapshotter.js';
import { isCriOwnedLabel } from './cri-owned-labels.js';

export type InitLayerEntry =
  { path: string; type: 'dir' } | { path: string; type: 'file' } | { path: string; type: 'symlink'; target: string };

/** dockerd 20.10's entries (daemon/initlayer): dirs 0755, empty files 0755, all root's; parents made 0755 first. */
export const INIT_LAYER_ENTRIES: readonly InitLayerEntry[] = [
  { path: '/dev/pts', type: 'dir' },
  { path: '/dev/shm', type: 'dir' },
  { path: '/proc', type: 'dir' },
  { path: '/sys', type: 'dir' },
  { path: '/.dockerenv', type: 'file' },
  { path: '/etc/resolv.conf', type: 'file' },
  { path: '/etc/hosts', type: 'file' },
  { path: '/etc/hostname', type: 'file' },
  { path: '/dev/console', type: 'file' },
  { path: '/etc/mtab', type: 'symlink', target: '/proc/mounts' },
];

/** Set by the builder on a BuildKit RUN step's container: BuildKit's executor gives its steps no init layer. */
export const NO_INIT_LAYER_LABEL = 'berth.init-layer';

/** Containers of the Docker API (the classic builder's RUN steps included) get it; a pod's (containerd's CRI
 * has none) and a BuildKit step's do not. */
export function getsInitLayer(labels: Record<string, string> | null | undefined): boolean {
  return !Object.keys(labels ?? {}).some((k) => k === NO_INIT_LAYER_LABEL || isCriOwnedLabel(k));
}

/**
 * The rootfs mounts with the init layer as the top lower layer. Only an overlay with an upper dir can stack it; a
 * bind (the native snapshotter's copy, or an image without layers) is returned as it is.
 */
export function withInitLayer(mounts: Mount[], initDir: string): Mount[] {
  const [m] = mounts;
  if (mounts.length !== 1 || !m || m.type !== 'overlay') return mounts;
  const at = m.options.findIndex((o) => o.startsWith('lowerdir='));
  if (at < 0 || !m.options.some((o) => o.startsWith('upperdir='))) return mounts;
  const options = [...m.options];
  options[at] = `lowerdir=${initDir}:${m.options[at]?.slice('lowerdir='.length) ?? ''}`;
  return [{ ...m, options }];
}
