// What the API layer is given by the daemon: one engine service per domain.
// Each domain adds its service here and its routes in routes/index.ts.
import type { SystemService } from '../engine/system/system-service.js';
import type { EventLog } from '../engine/events/event-log.js';
import type { ImageService } from '../engine/images/image-service.js';
import type { ContainersApi } from '../engine/containers/types.js';
import type { ExecService } from '../engine/exec/exec-service.js';
import type { VolumeService } from '../engine/volumes/volume-service.js';
import type { RegistryImages } from '../engine/images/registry-images.js';
import type { Builder } from '../builder/builder.js';
import type { ContainerExtras } from '../engine/containers/container-extras.js';
import type { NetworksApi } from '../engine/networks/types.js';
import type { Readable } from 'node:stream';
import type { BuildRequest } from '../builder/ports.js';

/** POST /build?version=2: the context tar built with BuildKit's progress (`moby.buildkit.trace` aux messages)
 * and the client's session, if named; the daemon gives it from buildkit/ (loaded on first use). */
export type BuildkitBuild = (
  body: Readable,
  request: BuildRequest,
  sessionId: string | undefined,
  emit: (message: object) => void,
  options: { signal: AbortSignal },
) => Promise<void>;

export interface ApiDeps {
  system: SystemService;
  events: EventLog;
  images: ImageService;
  storageDriver: string;
  /** Absent until the runtime is wired. */
  containers?: ContainersApi;
  containersPerImage?: () => Map<string, number>;
  execs?: ExecService;
  volumes?: VolumeService;
  /** Pull, push, login (absent: those routes answer 501). */
  registry?: RegistryImages;
  builder?: Builder;
  /** Absent: version=2 is refused as dockerd without BuildKit refuses it. */
  buildkitBuild?: BuildkitBuild;
  /** cp, export, diff, commit, top, stats, pause, unpause, update. */
  containerExtras?: ContainerExtras;
  networks?: NetworksApi;
}
