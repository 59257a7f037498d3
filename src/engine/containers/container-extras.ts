// The container operations beside the lifecycle (issue 4, non-interactive half): files (cp, export, diff),
// control (pause, unpause, update, top), stats and commit. One object for the API to be given.
import type { ContainerFsPort } from '../../core/containers/container-fs.js';
import type { HostConfigSupport } from '../../core/containers/host-config-check.js';
import type { ProcessTable } from '../../core/runtime/process-table.js';
import type { RuntimePort } from '../../core/runtime/runtime.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import type { ContainerAccess } from './container-access.js';
import { ContainerArchive } from './container-archive.js';
import { ContainerCommit, type ImageCommitter } from './container-commit.js';
import { ContainerControl } from './container-control.js';
import { ContainerStats } from './container-stats.js';
import type { ContainerFiles } from './ports.js';

export interface ContainerExtrasDeps {
  access: ContainerAccess;
  fs: ContainerFsPort;
  snapshots: Snapshotter;
  files: ContainerFiles;
  runtime: RuntimePort;
  processes: ProcessTable;
  images: ImageCommitter;
  /** What the host can apply (update refuses limits it cannot, as create does). */
  hostSupport?: HostConfigSupport;
}

export class ContainerExtras {
  readonly archive: ContainerArchive;
  readonly control: ContainerControl;
  readonly stats: ContainerStats;
  readonly commit: ContainerCommit;

  constructor(deps: ContainerExtrasDeps) {
    this.archive = new ContainerArchive(deps);
    this.control = new ContainerControl(deps);
    this.stats = new ContainerStats(deps);
    this.commit = new ContainerCommit(deps);
  }
}
