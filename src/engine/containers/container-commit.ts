// `docker commit`: the container's own layer (its overlay upper dir as an OCI layer tar with whiteouts) on top of
// its image, with the container's config and the `changes` (Dockerfile instructions) applied, registered through
// the image service so it appears in `docker images`. With pause (the default) a running container is frozen
// while its layer is read, and thawed after, as Docker does (with pause/unpause events); one that has stopped, or
// is stopping, is committed as it is.
import type { Readable } from 'node:stream';
import type { ImageConfigFile } from '../../spec/oci/image.js';
import { conflict, failedPrecondition, isKind } from '../../core/errdefs.js';
import type { ContainerFsPort } from '../../core/containers/container-fs.js';
import type { RuntimePort } from '../../core/runtime/runtime.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import { applyChanges } from '../images/image-changes.js';
import type { ContainerAccess } from './container-access.js';
import { ignoredPaths } from './container-archive.js';

type RunConfig = NonNullable<ImageConfigFile['config']>;

export interface ImageCommitter {
  commitLayer(request: {
    parent: string | undefined;
    layer: Readable;
    runConfig: RunConfig;
    /** The committed container, recorded in the image config as Docker's `container` and `container_config`. */
    container?: { id: string; config: Record<string, unknown> };
    author?: string;
    comment?: string;
    createdBy: string;
    repo?: string;
    tag?: string;
    signal?: AbortSignal;
  }): Promise<string>;
}

export interface ContainerCommitDeps {
  access: ContainerAccess;
  fs: ContainerFsPort;
  snapshots: Snapshotter;
  runtime: RuntimePort;
  images: ImageCommitter;
}

export interface CommitRequest {
  container: string;
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  pause: boolean;
  changes: string[];
  /** A config sent in the body replaces the container's as the base (as Docker). */
  config?: RunConfig;
  signal?: AbortSignal;
}

export class ContainerCommit {
  constructor(private readonly deps: ContainerCommitDeps) {}

  /**
   * Freezes a container the record shows running. One whose process has just exited (its exit not yet recorded)
   * cannot be paused: Docker pauses only what runs, so it is committed as it is (false).
   */
  private async pausedForCommit(id: string): Promise<boolean> {
    try {
      await this.deps.runtime.pause(id);
      return true;
    } catch (err) {
      const now = await this.deps.runtime.status(id).catch(() => ({ status: 'absent' as const }));
      if (isKind(err, 'FailedPrecondition') && now.status === 'running')
        throw failedPrecondition(
          `${(err as Error).message}; commit it with --pause=false (its layer is then read while it runs)`,
          err,
        );
      if (now.status === 'running' || now.status === 'paused') throw err;
      return false;
    }
  }

  async commit(request: CommitRequest): Promise<string> {
    // Changes are checked before anything is paused or written.
    const probe = this.deps.access.resolve(request.container);
    const base = (request.config ?? probe.config) as unknown as RunConfig;
    const runConfig = applyChanges({ ...base }, request.changes);
    return this.deps.access.locked(request.container, async (c) => {
      if (c.state.status === 'removing')
        throw conflict(`cannot commit container ${c.id}: container is marked for removal`);
      const freeze = request.pause && c.state.status === 'running' && (await this.pausedForCommit(c.id));
      if (freeze) {
        c.state = { ...c.state, status: 'paused' };
        this.deps.access.save(c);
        this.deps.access.publish(c, 'pause');
      }
      try {
        const { tar, done } = this.deps.fs.diffLayer(await this.deps.snapshots.mounts(c.snapshotKey), ignoredPaths(c), {
          signal: request.signal,
        });
        const id = await this.deps.images.commitLayer({
          parent: c.imageId || undefined,
          layer: tar,
          runConfig,
          container: { id: c.id, config: c.config as unknown as Record<string, unknown> },
          author: request.author,
          comment: request.comment,
          createdBy: (c.config.Cmd ?? []).join(' '),
          repo: request.repo,
          tag: request.tag,
          signal: request.signal,
        });
        await done;
        const imageRef = request.repo ? `${request.repo}${request.tag ? `:${request.tag}` : ''}` : '';
        this.deps.access.publish(c, 'commit', { comment: request.comment ?? '', imageID: id, imageRef });
        return id;
      } finally {
        if (freeze) {
          await this.deps.runtime.resume(c.id).catch(() => undefined);
          c.state = { ...c.state, status: 'running' };
          this.deps.access.save(c);
          this.deps.access.publish(c, 'unpause');
        }
      }
    });
  }
}
