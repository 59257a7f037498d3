// What the BuildKit door needs, injected by the daemon.
import type { Builder } from '../builder/builder.js';
import type { ImageService } from '../engine/images/image-service.js';
import type { Logger } from '../lib/logger.js';
import type { Sessions } from './sessions.js';
import type { Solves } from './solves.js';
import type { SyncedDirs } from './synced-dirs.js';

export interface BuildkitDeps {
  builder: Builder;
  images: ImageService;
  sessions: Sessions;
  solves: Solves;
  /** Private scratch space (synced Dockerfiles and contexts). */
  workRoot: string;
  /** The synced directories, kept between builds of the same context. */
  syncedDirs: SyncedDirs;
  /** berth's version, shown as the worker's BuildKit version. */
  version: string;
  /** Debug level carries each solve's phase timings (lib/phases.ts). */
  logger: Logger;
  /** The host's git, for git build contexts (absent: they are refused by name). */
  gitPath?: string;
}
