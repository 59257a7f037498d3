// What berth keeps about a container: its effective config (image config merged with the request, in Docker's
// shapes so inspect is a projection), its state, and where its files live.
import type { ContainerConfig, ContainerStatus, HostConfig, MountPoint } from '../../spec/docker/containers.js';
import type { HealthState } from '../health/health-state.js';

export interface ContainerRunState {
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  /** Why the last start failed, shown in inspect's State.Error. */
  error: string;
  /** RFC 3339 nanosecond UTC, or Docker's zero time. */
  startedAt: string;
  finishedAt: string;
  oomKilled: boolean;
  /** Present once a container with a health check has started (State.Health). */
  health?: HealthState;
}

export interface ContainerRecord {
  id: string;
  /** Without the leading slash. */
  name: string;
  created: string;
  /** The image reference as the client gave it (shown by ps). */
  image: string;
  imageId: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  /** The process: entrypoint + cmd split into path and args. */
  path: string;
  args: string[];
  state: ContainerRunState;
  restartCount: number;
  /** Set by an explicit stop, so unless-stopped and always know not to restart. */
  manuallyStopped: boolean;
  /** Snapshot key of the rootfs (active snapshot on the image's top layer). */
  snapshotKey: string;
  storageDriver: string;
  logPath: string;
  hostsPath: string;
  hostnamePath: string;
  resolvConfPath: string;
  mounts: MountPoint[];
}

export const isRunningState = (s: ContainerRunState): boolean =>
  s.status === 'running' || s.status === 'paused' || s.status === 'restarting';
