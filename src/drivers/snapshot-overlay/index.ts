// The overlay snapshotter: each snapshot is one overlayfs upper dir; a container's rootfs is an overlay of
// its parents (lowerdir, top first) under its own upper. Whiteouts become overlay's: char device 0:0 and the
// opaque xattr (trusted.overlay.* on the host, user.overlay.* with `userxattr` when rootless: lib/fs/overlay-xattrs.ts).
import { mkdir, mkdtemp, readdir, rm, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mount } from '../../core/snapshots/snapshotter.js';
import { failedPrecondition } from '../../core/errdefs.js';
import { BaseSnapshotter } from '../snapshot-common/base-snapshotter.js';
import type { WhiteoutMode } from '../../lib/fs/extract-tar.js';
import { fdPath } from '../../lib/fs/fd-root.js';
import { removeAt } from '../../lib/fs/remove-at.js';
import { overlayMountOptions, overlayXattr } from '../../lib/fs/overlay-xattrs.js';
import type { SnapshotEntry } from '../snapshot-common/snapshot-metadata.js';
import { makeNode, mountOverlay, setXattr, unmount } from '../snapshot-common/host-commands.js';
import { clearVolatileMarker, withVolatile } from '../../lib/fs/overlay-volatile.js';

const overlayWhiteouts: WhiteoutMode = {
  async whiteout(dir, name) {
    await removeAt(dir, name);
    await makeNode(fdPath(dir.fd, name), 'c', 0, 0, 0o000);
  },
  async opaque(dir) {
    await setXattr(fdPath(dir.fd, '.'), overlayXattr('opaque'), 'y'); // '/.': the held directory itself, not the fd link
  },
};

const PROBE_PREFIX = '.overlay-check-';

// The lowerdir option must fit in one page with the other options.
const MAX_MOUNT_DATA = 4000;

/** Refuses mount options the kernel would cut off (absolute lowerdirs: some 60 to 90 layers, by the root path length). */
function fitsOnePage(options: string[], layers: number): string[] {
  if (options.join(',').length > MAX_MOUNT_DATA) {
    throw failedPrecondition(
      `too many layers for one overlay mount: ${layers} layers need more than ${MAX_MOUNT_DATA} bytes of mount options`,
    );
  }
  return options;
}

export class OverlaySnapshotter extends BaseSnapshotter {
  readonly name = 'overlay' as const;

  /** Tries a real overlay mount under root: the kernel and the backing filesystem must both allow it. */
  static async isSupported(root: string): Promise<boolean> {
    await mkdir(root, { recursive: true });
    const dir = await mkdtemp(join(root, PROBE_PREFIX));
    try {
      for (const d of ['lower', 'upper', 'work', 'merged']) await mkdir(join(dir, d));
      await mountOverlay([join(dir, 'lower')], join(dir, 'upper'), join(dir, 'work'), join(dir, 'merged'));
      await unmount(join(dir, 'merged'));
      return true;
    } catch {
      return false;
    } finally {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** Besides the common leftovers, a support probe a crash cut off (possibly still mounted). */
  override async cleanup(keep: ReadonlySet<string>): Promise<void> {
    await super.cleanup(keep);
    for (const name of await readdir(this.root).catch(() => [] as string[])) {
      if (!name.startsWith(PROBE_PREFIX)) continue;
      await unmount(join(this.root, name, 'merged')).catch(() => undefined);
      await rm(join(this.root, name), { recursive: true, force: true });
    }
  }

  protected async initialise(_dir: string, _parents: SnapshotEntry[]): Promise<void> {
    // An empty upper dir: the parents are stacked at mount time.
  }

  protected whiteoutMode(): WhiteoutMode {
    return overlayWhiteouts;
  }

  protected async mountsOf(entry: SnapshotEntry, { volatile = false }: { volatile?: boolean } = {}): Promise<Mount[]> {
    const parents = await this.parentsOf(entry);
    if (parents.length === 0)
      return [
        { type: 'bind', source: this.fsDir(entry.dir), options: [entry.kind === 'active' ? 'rw' : 'ro', 'rbind'] },
      ];
    const lower = parents.map((p) => this.fsDir(p.dir));
    if (entry.kind === 'committed')
      return [
        {
          type: 'overlay',
          source: 'overlay',
          options: fitsOnePage(
            [...overlayMountOptions(), `lowerdir=${[this.fsDir(entry.dir), ...lower].join(':')}`],
            parents.length + 1,
          ),
        },
      ];
    await lstat(this.workDir(entry.dir)).catch(() => mkdir(this.workDir(entry.dir), { recursive: true }));
    await clearVolatileMarker(this.workDir(entry.dir), volatile);
    const options = [
      ...overlayMountOptions(),
      `lowerdir=${lower.join(':')}`,
      `upperdir=${this.fsDir(entry.dir)}`,
      `workdir=${this.workDir(entry.dir)}`,
    ];
    return [
      {
        type: 'overlay',
        source: 'overlay',
        options: fitsOnePage(volatile ? withVolatile(options) : options, parents.length),
      },
    ];
  }
}
