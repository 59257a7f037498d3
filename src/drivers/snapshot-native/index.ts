// The copying snapshotter, for hosts without overlayfs: a new snapshot starts as a full copy of its parent,
// whiteouts are deletions, and a rootfs is a bind mount of the snapshot's own tree.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mount } from '../../core/snapshots/snapshotter.js';
import { BaseSnapshotter } from '../snapshot-common/base-snapshotter.js';
import type { WhiteoutMode } from '../snapshot-common/apply-layer.js';
import type { SnapshotEntry } from '../snapshot-common/snapshot-metadata.js';

const run = promisify(execFile);

const writesUnder = (written: ReadonlySet<string>, dir: string): boolean => {
  for (const p of written) if (p.startsWith(`${dir}/`)) return true;
  return false;
};

const deletingWhiteouts: WhiteoutMode = {
  async whiteout(dir, name) {
    await rm(join(dir, name), { recursive: true, force: true });
  },
  async opaque(dir, keep) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name);
      // Keep what this layer wrote, and directories it wrote into (a marker may follow their entries).
      if (!keep.has(path) && !writesUnder(keep, path)) await rm(path, { recursive: true, force: true });
    }
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

  async mounts(key: string): Promise<Mount[]> {
    const entry = await this.entry(key);
    return [{ type: 'bind', source: this.fsDir(entry.dir), options: [entry.kind === 'active' ? 'rw' : 'ro', 'rbind'] }];
  }
}
