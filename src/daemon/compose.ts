// Composition root: builds drivers from config, injects them into engine services, and hands those
// to the API. Start order here; stop order is the reverse (see Daemon.stop).
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../lib/logger.js';
import { createEngineApi, MAX_API_VERSION, MIN_API_VERSION } from '../api/index.js';
import { SystemService } from '../engine/system/system-service.js';
import { NodeHostInfo } from '../drivers/host/node-host-info.js';
import type { DaemonConfig } from './config.js';
import type { ToolReport } from './host-tools.js';
import { loadEngineId } from './engine-id.js';
import { EventLog } from '../engine/events/event-log.js';
import { wireImages } from './wire-images.js';
import { wireContainers } from './wire-containers.js';
import { wireVolumes } from './wire-volumes.js';
import { wireBuilder } from './wire-builder.js';
import { wireBuildkit } from './wire-buildkit.js';
import { BERTH_VERSION } from './version.js';
import { wireRegistryClient } from './wire-registry-client.js';
import type { CriDeps } from '../cri/cri-deps.js';
import { CniNetwork } from '../drivers/cni/cni-network.js';
import { NetnsLoopbackDialer } from '../drivers/cni/netns-dialer.js';

export interface Composition {
  api: FastifyInstance;
  /** The engine use cases the Kubernetes CRI server is given (daemon.ts starts it on its own socket). */
  cri: CriDeps;
  /** Stops background work and closes stores, in reverse start order. */
  close(): Promise<void>;
}

export async function compose(config: DaemonConfig, logger: Logger, tools: ToolReport): Promise<Composition> {
  const closers: (() => Promise<void> | void)[] = [];
  const host = new NodeHostInfo(tools.versions);
  const engineId = await loadEngineId(config.dataRoot);
  const events = new EventLog();
  const store = await wireImages(config, logger, events);
  closers.push(() => void store.db.close());

  const system = new SystemService(
    host,
    {
      id: engineId,
      version: BERTH_VERSION,
      gitCommit: '',
      apiVersion: MAX_API_VERSION,
      minApiVersion: MIN_API_VERSION,
      rootDir: config.dataRoot,
      storageDriver: store.driverName,
      loggingDriver: 'json-file',
      defaultRuntime: config.defaultRuntime,
      runtimes: { ...(tools.paths.runc ? { runc: { path: tools.paths.runc } } : {}), ...config.runtimes },
      initBinary: tools.paths.catatonit ? 'catatonit' : 'tini',
      // name=rootless as Docker's rootless engine shows it.
      securityOptions: ['name=seccomp,profile=builtin', ...(config.rootless ? ['name=rootless'] : []), 'name=cgroupns'],
      debug: config.debug,
      registryMirrors: config.registryMirrors.map((url) => `${url.replace(/\/+$/, '')}/`),
    },
    async () => ({ images: store.images.count(), ...containers.service.counts() }),
    () => events.listenerCount(),
  );

  const volumes = await wireVolumes(config, logger, events, store.db);
  const containers = await wireContainers(config, logger, events, store.db, store, tools, host.facts(), volumes);
  closers.push(() => containers.close());
  const registryClient = wireRegistryClient(config, logger, events, store.images);
  const builder = wireBuilder(config, logger, store.db, store, containers.service, registryClient);
  await builder.repairMounts();
  // Start-up repair: half-made snapshots go (container rootfs snapshots stay), then unreferenced blobs and
  // layers; then containers are re-attached, exits recorded, restart policies applied.
  await store.snapshots.cleanup(containers.service.snapshotKeys());
  await store.images.collectGarbage();
  await containers.service.restore();
  await builder.repairContainers();
  await containers.networks.attach.restore();

  // berth's OCI registry, when configured: its own listener, root and content store (registry-host.ts). Imported
  // only then: a daemon without one does not carry its server, auth and token code (about 3.9 MB of heap).
  if (config.registry) {
    const { startRegistryHost } = await import('./registry-host.js');
    const registry = await startRegistryHost({ ...config.registry, gcIntervalMs: 60 * 60_000 }, logger);
    closers.push(() => registry.close());
  }

  const buildkit = wireBuildkit(config, logger, builder, store.images);
  const api = createEngineApi(
    logger,
    { engineVersion: BERTH_VERSION },
    {
      system,
      events,
      images: store.images,
      storageDriver: store.driverName,
      containers: containers.service,
      execs: containers.execs,
      containersPerImage: () => containers.service.containersPerImage(),
      volumes,
      registry: registryClient,
      builder,
      buildkitBuild: buildkit.buildkitBuild,
      containerExtras: containers.extras,
      networks: containers.networks.service,
    },
  );

  const cri: CriDeps = {
    images: store.images,
    registry: registryClient,
    containers: containers.service,
    execs: containers.execs,
    extras: containers.extras,
    podNetwork: new CniNetwork(config.cni, logger.child({ component: 'cni' })),
    loopbackDialer: new NetnsLoopbackDialer(),
    cni: config.cni,
    podStateDir: join(config.dataRoot, 'cri', 'pods'),
    catatonitPath: tools.paths.catatonit ?? '/usr/bin/catatonit',
    streamServer: config.criStreamServer,
    runtimeVersion: BERTH_VERSION,
    imageFsMountpoint: join(config.dataRoot, 'snapshots'),
    logger: logger.child({ component: 'cri' }),
  };

  buildkit.routes(api);
  closers.push(() => buildkit.close());

  return {
    api,
    cri,
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}
