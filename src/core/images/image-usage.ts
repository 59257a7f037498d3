// Which containers use an image, running or not. The container service implements it and the daemon hands
// it to the image service after both exist; until then no image is in use. Consulted by rmi and prune.
import type { Digest } from '../../lib/digest.js';

export interface ImageUser {
  /** Full container ID. */
  id: string;
  running: boolean;
}

export type ImageUsage = (imageId: Digest) => ImageUser[];

/** The default before a container service is wired: nothing uses any image. */
export const noImageUsage: ImageUsage = () => [];
