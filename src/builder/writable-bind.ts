// RUN --mount=type=bind,rw: the RUN may write into the bound tree, and BuildKit throws those writes away after the
// RUN: the source (the build context, a named context's directory, a stage's or an image's tree) never changes, so a
// later COPY or bind reads it as it was. berth gives each writable bind a throwaway view of its source for that RUN
// only, made when the step runs (not when it comes from the cache) and removed after it:
// - a directory (the context, a named context): an overlay with the directory as its lower dir and a scratch upper
//   and work dir, where the snapshotter is overlay (overlay works on this filesystem); a copy of the bound source
//   (cp -a) into a scratch dir with the copying snapshotter (no overlay: rootless without it, other filesystems),
//   or when the overlay mount is refused;
// - an image's or a stage's tree: an active snapshot of it (the snapshotter's own copy-on-write: an overlay upper
//   dir, or native's copy), as a RUN's container gets, removed after the RUN.
// The bound path is resolved inside the view's root, as every source path is.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { resolveInRoot } from '../lib/fs/in-root.js';
import { overlayMountOptions } from '../lib/fs/overlay-xattrs.js';
import type { StepContext } from './step-context.js';
import type { StepImage } from './step-image.js';

export interface WritableView {
  /** Host path to bind on the mount's target. */
  path: string;
  release(): Promise<void>;
}

/** A throwaway writable view of `rel` inside the directory `root` (the build context or a named context). */
export async function directoryView(run: StepContext, root: string, rel: string): Promise<WritableView> {
  const scratch = await mkdtemp(join(run.workDir, 'rw-'));
  const dropScratch = () => rm(scratch, { recursive: true, force: true });
  try {
    if (run.deps.snapshots.name === 'overlay') {
      const merged = join(scratch, 'merged');
      for (const d of ['upper', 'work', 'merged']) await mkdir(join(scratch, d));
      const options = [
        ...overlayMountOptions(),
        `lowerdir=${root}`,
        `upperdir=${join(scratch, 'upper')}`,
        `workdir=${join(scratch, 'work')}`,
      ];
      const mounted = await run.deps.mounter.mount([{ type: 'overlay', source: 'overlay', options }], merged).then(
        () => true,
        (err: unknown) => {
          run.deps.logger.debug({ err, root }, 'writable bind: overlay refused, copying the source instead');
          return false;
        },
      );
      if (mounted) {
        const release = async () => {
          await run.deps.mounter.unmount(merged);
          await dropScratch();
        };
        try {
          return { path: await resolveInRoot(merged, rel), release };
        } catch (err) {
          await release().catch(() => undefined);
          throw err;
        }
      }
    }
    const copy = join(scratch, 'copy');
    await run.deps.mounter.copyTree(await resolveInRoot(root, rel), copy, { signal: run.signal });
    return { path: copy, release: dropScratch };
  } catch (err) {
    await dropScratch().catch(() => undefined);
    throw err;
  }
}

/** A throwaway writable view of `rel` inside an image's (or a stage's) tree: an active snapshot of it. */
export async function imageView(run: StepContext, image: StepImage, rel: string): Promise<WritableView> {
  const key = `build-${run.id}-rw-${randomBytes(6).toString('hex')}`;
  const root = join(run.workDir, key);
  let mounted = false;
  const release = async () => {
    if (mounted) await run.deps.mounter.unmount(root);
    await run.deps.snapshots.remove(key).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  };
  try {
    await mkdir(root, { recursive: true });
    const mounts = await run.deps.snapshots.prepare(key, image.record.layers.at(-1)?.chainId, { signal: run.signal });
    // A snapshot that is a plain directory (native, or no layers) is the tree itself: no mount needed.
    const single = mounts.length === 1 ? mounts[0] : undefined;
    if (single?.type === 'bind') return { path: await resolveInRoot(single.source, rel), release };
    await run.deps.mounter.mount(mounts, root);
    mounted = true;
    return { path: await resolveInRoot(root, rel), release };
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
}
