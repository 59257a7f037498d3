// What the container service needs from elsewhere, injected by the daemon: images, files, the runtime.
import type { ImageRunConfig } from '../../core/containers/merge-config.js';

export type { ContainerFiles, ContainerPaths } from '../../core/containers/container-files.js';

export interface ResolvedImage {
  /** "sha256:..." config digest. */
  id: string;
  config: ImageRunConfig;
  /** Chain id of the top layer: the parent snapshot of the container's rootfs; undefined for an empty image. */
  topChainId: string | undefined;
}

export interface ImageResolver {
  /** NotFound with Docker's "No such image: x" when absent. */
  resolve(reference: string): Promise<ResolvedImage>;
  /** Image IDs the `ancestor` filter matches for a reference (empty when unknown). */
  idsFor(reference: string): string[];
}

export type { ExitInfo, RunRequest, RuntimeStatus, RuntimePort } from '../../core/runtime/runtime.js';
