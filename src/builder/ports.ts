// What the builder needs from elsewhere, injected by the daemon: the image and container services, the
// content store and snapshotter they use, the build cache, and a way to mount a snapshot's tree.
import type { Logger } from '../lib/logger.js';
import type { ContentStore } from '../core/content/content-store.js';
import type { Mount, Snapshotter } from '../core/snapshots/snapshotter.js';
import type { BuildCacheStore } from '../core/builder/build-cache.js';
import type { ImageService } from '../engine/images/image-service.js';
import type { ContainersApi } from '../engine/containers/types.js';

/** Mounts a snapshot's mounts on a directory (host effect, behind an interface). */
export interface RootfsMounter {
  mount(mounts: Mount[], target: string, options?: { readonly?: boolean }): Promise<void>;
  unmount(target: string): Promise<void>;
  /** Unmounts whatever is mounted under dir (start-up repair after a crash). */
  unmountUnder(dir: string): Promise<void>;
}

export interface BuilderDeps {
  images: ImageService;
  content: ContentStore;
  snapshots: Snapshotter;
  containers: ContainersApi;
  cache: BuildCacheStore;
  mounter: RootfsMounter;
  /** Private working directory: contexts, mount points, RUN --mount=type=cache directories. */
  workRoot: string;
  logger: Logger;
}

export interface BuildRequest {
  /** Path of the Dockerfile inside the context. */
  dockerfile: string | undefined;
  tags: string[];
  /** null: declared on the command line without a value and not in the client's environment. */
  buildArgs: Record<string, string | null>;
  labels: Record<string, string>;
  target: string | undefined;
  noCache: boolean;
  networkMode: string | undefined;
  quiet: boolean;
}

export type BuildMessage = { stream: string } | { aux: { ID: string } };

/** A build failure with the exit status the CLI should take (a failing RUN's exit code). */
export class BuildError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = 'BuildError';
  }
}
