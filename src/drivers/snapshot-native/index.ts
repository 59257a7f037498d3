// The copying snapshotter, for hosts without overlayfs: a new snapshot starts as a full copy of its parent,
// whiteouts are deletions, and a rootfs is a bind mount of the snapshot's own tree.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdir } from 'node:fs/promises';
import type { Mount } from '../../core/snapshots/snapshotter.js';
import { BaseSnapshotter } from '../snapshot-common/base-snapshotter.js';
import type { WhiteoutMode } from '../../lib/fs/extract-tar.js';
import { fdPath } from '../../lib/fs/fd-root.js';
import { removeAt } from '../../lib/fs/remove-at.js';
import type { SnapshotEntry } from '../snapshot-common/snapshot-metadata.js';

const run = promisify(execFile);

const deletingWhiteouts: WhiteoutMode = {
  async whiteout(dir, name) {
    await removeAt(dir, name);
  },
  async opaque(dir, keep) {
    // Keep what this layer wrote, and directories it wrote into (a marker may follow their entries).
    for (const name of await readdir(fdPath(dir.fd)).catch(() => [] as string[]))
      if (!keep.has(name)) await removeAt(dir, name);
  },
};

export class NativeSnapshotter extends BaseSnapshotter {
  readonly name = 'native' as const;

  protected async initialise(dir: string, parents: SnapshotEntry[]): Promise<void> {
    const parent = parents[0];
    if (!parent) return;
    // cp -a keeps modes, owners, times, links and device nodes; reflinks where the filesystem has them.
    await run('cp', ['-a', '--reflink=auto', `${this.fsDir(parent.dir)}/.`, this.fsDir(dir)]);
  }

  protected whiteoutMode(): WhiteoutMode {
    return deletingWhiteouts;
  }

  protected async mountsOf(entry: SnapshotEntry): Promise<Mount[]> {
    return [{ type: 'bind', source: this.fsDir(entry.dir), options: [entry.kind === 'active' ? 'rw' : 'ro', 'rbind'] }];
  }
}
