// What the builder needs from elsewhere, injected by the daemon: the image and container services, the
// content store and snapshotter they use, the build cache, and a way to mount a snapshot's tree.
import type { Logger } from '../lib/logger.js';
import type { ContentStore } from '../core/content/content-store.js';
import type { Mount, Snapshotter } from '../core/snapshots/snapshotter.js';
import type { BuildCacheStore } from '../core/builder/build-cache.js';
import type { ImageService } from '../engine/images/image-service.js';
import type { ContainersApi } from '../engine/containers/types.js';
import type { HostConfig } from '../spec/docker/containers.js';
import type { Platform } from '../core/remotes/platform.js';
import type { RegistryCredentials } from '../core/remotes/registry-client.js';
import type { JsonProgressMessage } from '../core/remotes/progress-message.js';
import type { DockerfileWarning } from './dockerfile/parser.js';

/**
 * Pulls one image reference (with a tag or digest) for FROM, COPY --from and RUN --mount=from, through the
 * engine's own pull use case; progress goes into the build's output as dockerd's builder streams it.
 */
export interface BaseImagePuller {
  pull(
    reference: string,
    options: {
      platform?: Platform;
      credentials?: RegistryCredentials;
      signal?: AbortSignal;
      progress: (m: JsonProgressMessage) => void;
    },
  ): Promise<void>;
}

/** Mounts a snapshot's mounts on a directory, and copies trees (host effects, behind an interface). */
export interface RootfsMounter {
  mount(mounts: Mount[], target: string, options?: { readonly?: boolean }): Promise<void>;
  unmount(target: string): Promise<void>;
  /** Unmounts whatever is mounted under dir (start-up repair after a crash). */
  unmountUnder(dir: string): Promise<void>;
  /**
   * Copies the file or tree `source` to `target` (which must not exist) as it is: modes, owners, times, symlinks
   * (not followed), device nodes (a writable bind's view where overlay is not available).
   */
  copyTree(source: string, target: string, options?: { signal?: AbortSignal }): Promise<void>;
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
  /** Absent: images that are not local cannot be used (no registry client wired). */
  puller?: BaseImagePuller;
}

/** The HostConfig fields of a build's RUN containers that the request sets (limits, /etc/hosts, /dev/shm). */
export type RunHostConfig = Pick<
  HostConfig,
  | 'ExtraHosts'
  | 'ShmSize'
  | 'Memory'
  | 'MemorySwap'
  | 'CpuShares'
  | 'CpusetCpus'
  | 'CpusetMems'
  | 'CpuPeriod'
  | 'CpuQuota'
  | 'CgroupParent'
  | 'Ulimits'
>;

/** When RUN containers are removed: rm=1 (default) on success, forcerm=1 always, rm=0 never. */
export type RemoveContainers = 'on-success' | 'always' | 'never';

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
  /** pull=1: pull every base image, even one that is local. */
  pull?: boolean;
  /** Images whose history the step cache may take steps from (cachefrom). */
  cacheFrom?: string[];
  /** Images whose inline cache (BuildKit's --cache-from, inline-cache.ts) may give steps by their cache key;
   * pulled when not local. */
  inlineCacheFrom?: string[];
  /** The platform base images are pulled and chosen for (already checked to run on this host). */
  platform?: Platform;
  /** X-Registry-Config: credentials by registry domain (docker.io for Docker Hub). */
  registryAuth?: Record<string, RegistryCredentials>;
  runHostConfig?: RunHostConfig;
  remove?: RemoveContainers;
  /** buildid: the name POST /build/cancel?id= cancels the build by. */
  buildId?: string;
  /** A BuildKit client's session: the secrets and ssh agents RUN --mount=type=secret|ssh read (none for /build). */
  session?: BuildSession;
  /** Told of each step as it runs (BuildKit's progress shows steps as vertexes; the classic stream has none). */
  steps?: StepObserver;
}

/** Why the client could not give a secret or an ssh agent, in BuildKit's words. */
export interface Missing {
  missing: string;
}

/** What a BuildKit client shares with its build for as long as the build runs. */
export interface BuildSession {
  /** The secret's bytes (never written into a layer or the image). */
  secret(id: string, options: { signal?: AbortSignal }): Promise<Uint8Array | Missing>;
  /** Serves a unix socket at socketPath reaching the client's ssh agent `id`, until close(). */
  sshAgent(
    id: string,
    socketPath: string,
    options: { signal?: AbortSignal },
  ): Promise<{ close(): Promise<void> } | Missing>;
  /** Registry credentials for a host as BuildKit asks the client's Auth service (Host: `registry-1.docker.io` for
   * Docker Hub); undefined when the client has none. */
  credentials?(host: string, options: { signal?: AbortSignal }): Promise<RegistryCredentials | undefined>;
}

/** A step as BuildKit's progress names it: a stage's FROM or one of its filesystem steps (RUN, COPY, ADD, WORKDIR). */
export interface StepInfo {
  stage: { index: number; name: string | undefined };
  /** How many stages the Dockerfile has (names carry the stage only when there are several). */
  stageCount: number;
  /** 1 for FROM, then each filesystem step in order. */
  ordinal: number;
  /** FROM plus the stage's filesystem steps. */
  total: number;
  /** `FROM <image or stage as named, args expanded>` or the instruction as written. */
  text: string;
  /** For a FROM of an image (not a stage, not scratch): the image's name. */
  image?: string;
}

export interface StepHandle {
  /** Output of the step (a RUN's stdout and stderr, pull progress lines). */
  log(text: string, stream: 'stdout' | 'stderr'): void;
  /** The step's result came from the build cache. */
  cached(): void;
  end(error?: Error): void;
}

export interface StepObserver {
  begin(step: StepInfo): StepHandle;
  /** A deprecated form in the Dockerfile the build goes on with (told once, before the steps). */
  warn?(warning: DockerfileWarning): void;
}

export type BuildMessage = { stream: string } | { aux: { ID: string } } | JsonProgressMessage;

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

/** The label on a RUN step's container (start-up repair removes those a crash cut off). */
export const INTERMEDIATE_LABEL = 'berth.build.intermediate';
