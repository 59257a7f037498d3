// Builds the container side: the store, the per-container files, the runc/conmon runtime, and the service;
// then restores containers that lived through a daemon restart.
import { join } from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../lib/logger.js';
import type { EventPublisher } from '../core/events/event.js';
import type { HostFacts } from '../core/system/host-info.js';
import { SqliteContainerStore } from '../drivers/container-store-sqlite/sqlite-container-store.js';
import { LocalContainerFiles } from '../drivers/container-files/local-container-files.js';
import { ConmonRuntime } from '../drivers/runtime-runc/conmon-runtime.js';
import type { HostConfigSupport } from '../core/containers/host-config-check.js';
import { cgroupFeatures } from '../drivers/runtime-runc/host-facts.js';
import { DEFAULT_CGROUP_PARENT } from '../core/runtime/spec-from-record.js';
import { ContainerService } from '../engine/containers/container-service.js';
import { ExecService } from '../engine/exec/exec-service.js';
import { ContainerExtras } from '../engine/containers/container-extras.js';
import { LocalContainerFs } from '../drivers/container-fs/local-container-fs.js';
import { HostProcessTable } from '../drivers/host/ps-table.js';
import type { ImageStore } from './wire-images.js';
import type { DaemonConfig } from './config.js';
import type { ToolReport } from './host-tools.js';
import type { VolumeService } from '../engine/volumes/volume-service.js';
import { wireNetworks, type NetworkSide } from './wire-networks.js';
import { rootlessLimitsUnavailable } from '../core/rootless/choices.js';
import { testCrashPoint } from './test-crash-point.js';
import { testPausePoint } from './test-pause-point.js';

/** The daemon's own hard limits: containers never get more. */
function hostHardLimits(): Record<string, number> {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? {} : { RLIMIT_NOFILE: Number(out) };
  } catch {
    return {};
  }
}

export interface ContainerSide {
  service: ContainerService;
  /** docker exec, and runProbe() for the daemon's own checks. */
  execs: ExecService;
  extras: ContainerExtras;
  networks: NetworkSide;
  close(): Promise<void>;
}

export async function wireContainers(
  config: DaemonConfig,
  logger: Logger,
  events: EventPublisher,
  db: Database,
  store: ImageStore,
  tools: ToolReport,
  facts: HostFacts,
  volumes?: VolumeService,
): Promise<ContainerSide> {
  const runtime = new ConmonRuntime(
    {
      stateRoot: join(config.execRoot, 'runtime'),
      runcPath: tools.paths.runc ?? 'runc',
      conmonPath: tools.paths.conmon ?? 'conmon',
      initPath: tools.paths.catatonit ?? tools.paths.tini,
      runtimes: config.runtimes,
      defaultRuntime: config.defaultRuntime,
    },
    {
      goArch: facts.goArch,
      kernel: os.release(),
      cgroupVersion: facts.cgroupVersion,
      hardLimits: hostHardLimits(),
      // Rootless: no cgroup of berth's own (v1 cannot be delegated; a delegated v2 subtree is not used yet).
      ...(config.rootless ? { cgroupsUnavailable: true } : {}),
    },
    logger.child({ component: 'runtime' }),
    testPausePoint(process.env, logger),
  );
  await runtime.init();
  const containerStore = new SqliteContainerStore(db);
  const files = new LocalContainerFiles({
    root: join(config.dataRoot, 'containers'),
    hostResolvConf: config.network.resolvConf,
  });
  const networks = await wireNetworks(config, logger, events, db, containerStore, files);
  const hostSupport: HostConfigSupport = {
    cgroupVersion: facts.cgroupVersion,
    runtimes: ['runc', ...Object.keys(config.runtimes)],
    defaultRuntime: config.defaultRuntime,
    ...(await cgroupFeatures(facts.cgroupVersion, DEFAULT_CGROUP_PARENT)),
    ...(config.rootless ? { limitsUnavailable: rootlessLimitsUnavailable(facts.cgroupVersion) } : {}),
  };
  const execs = new ExecService({
    store: containerStore,
    runtime,
    events,
    logger: logger.child({ component: 'exec' }),
  });
  const service = new ContainerService({
    store: containerStore,
    images: {
      resolve: (ref, forContainer) => store.images.resolveForContainer(ref, forContainer),
      releaseCreate: (id) => store.images.releaseCreate(id),
      idsFor: (ref) => store.images.idsFor(ref),
    },
    snapshots: store.snapshots,
    files,
    runtime,
    events,
    logger: logger.child({ component: 'containers' }),
    storageDriver: store.driverName,
    volumes,
    networks: networks.attach,
    probe: (id, cmd, options) => execs.runProbe(id, cmd, options),
    hostSupport,
    execs,
    crashPoint: testCrashPoint(process.env, logger),
    pausePoint: testPausePoint(process.env, logger),
  });
  store.images.setUsage((imageId) => service.usersOf(imageId));
  volumes?.setUsers(() => service.volumeUsers());
  const containerFs = new LocalContainerFs(join(config.execRoot, 'rootfs-mounts'));
  await containerFs.init();
  const extras = new ContainerExtras({
    access: service.access,
    fs: containerFs,
    snapshots: store.snapshots,
    files,
    runtime,
    processes: new HostProcessTable(),
    images: { commitLayer: (request) => store.images.commitLayer(request) },
    hostSupport,
  });
  return {
    service,
    execs,
    extras,
    networks,
    async close() {
      await service.close();
      execs.close();
      await networks.close();
      runtime.close();
    },
  };
}
