// The whole Engine API in-process, over the real engine services wired as compose() wires them, with fakes only
// where the host would be touched (no root): SQLite and the content store on a temp dir, the in-memory
// snapshotter, the fake runtime, a NetworkHost/DNS that records nothing, a registry client that never reaches
// the network, and container filesystems on plain directories instead of mounts.
import { cp, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Database } from 'better-sqlite3';
import { silentLogger } from '../../src/lib/logger.js';
import { notFound, unauthorized } from '../../src/core/errdefs.js';
import { createEngineApi } from '../../src/api/index.js';
import { SystemService } from '../../src/engine/system/system-service.js';
import { EventLog } from '../../src/engine/events/event-log.js';
import { ImageService } from '../../src/engine/images/image-service.js';
import { FakeSnapshotter } from '../../src/engine/images/fake-snapshotter.js';
import { RegistryImages } from '../../src/engine/images/registry-images.js';
import { ContainerService } from '../../src/engine/containers/container-service.js';
import { ContainerExtras } from '../../src/engine/containers/container-extras.js';
import { ExecService } from '../../src/engine/exec/exec-service.js';
import { VolumeService } from '../../src/engine/volumes/volume-service.js';
import { NetworkService } from '../../src/engine/networks/network-service.js';
import { ContainerAttach } from '../../src/engine/networks/container-attach.js';
import { NetworkRecords } from '../../src/engine/networks/network-records.js';
import { Builder } from '../../src/builder/builder.js';
import { DEFAULT_ADDRESS_POOLS } from '../../src/core/networks/ipam.js';
import type { DnsServer, NetworkHost } from '../../src/core/networks/network-host.js';
import type {
  FetchedManifest,
  RegistryClient,
  RegistryCredentials,
  SearchResult,
} from '../../src/core/remotes/registry-client.js';
import type { Digest } from '../../src/lib/digest.js';
import { createHash } from 'node:crypto';
import type { Mount } from '../../src/core/snapshots/snapshotter.js';
import type { RootfsLease } from '../../src/core/containers/container-fs.js';
import type { RootfsMounter } from '../../src/builder/ports.js';
import { NodeHostInfo } from '../../src/drivers/host/node-host-info.js';
import { LocalContentStore } from '../../src/drivers/content-local/local-content-store.js';
import { openDatabase } from '../../src/drivers/metadata-store/database.js';
import { SqliteImageRecords } from '../../src/drivers/metadata-store/sqlite-image-records.js';
import { SqliteContainerStore } from '../../src/drivers/container-store-sqlite/sqlite-container-store.js';
import { LocalContainerFiles } from '../../src/drivers/container-files/local-container-files.js';
import { LocalContainerFs } from '../../src/drivers/container-fs/local-container-fs.js';
import { SqliteNetworkStore } from '../../src/drivers/network-store-sqlite/sqlite-network-store.js';
import { LocalVolumeDriver } from '../../src/drivers/volume-local/local-volume-driver.js';
import { SqliteVolumeStore } from '../../src/drivers/volume-local/sqlite-volume-store.js';
import { SqliteBuildCache } from '../../src/drivers/build-cache-sqlite/sqlite-build-cache.js';
import type { ProcessTable } from '../../src/core/runtime/process-table.js';
import { FakeRuntime } from '../../src/engine/containers/fake-runtime.js';

/** Host networking that does nothing: namespaces are names, rules are dropped, every port is free. */
const fakeNetworkHost = (root: string): NetworkHost => {
  let port = 40000;
  return {
    ensureBridge: async () => undefined,
    removeBridge: async () => undefined,
    hostRoutes6: async () => [],
    hostRoutes: async () => [],
    createNetns: async (id) => join(root, 'netns', id),
    netnsPath: (id) => join(root, 'netns', id),
    listNetns: async () => [],
    removeNetns: async () => undefined,
    addInterface: async () => undefined,
    setDefaultRoutes: async () => undefined,
    removeInterface: async () => undefined,
    applyRules: async () => undefined,
    checkPortFree: async () => undefined,
    freePort: async () => port++,
  };
};

const fakeDns: DnsServer = { serve: async () => undefined, stop: async () => undefined, close: async () => undefined };

/** The one thing the offline registry holds: an index for `localhost:5999/contract/remote`. */
const REMOTE_INDEX = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: `sha256:${'a'.repeat(64)}`,
        size: 100,
        platform: { architecture: 'amd64', os: 'linux' },
      },
    ],
  }),
);

/**
 * A registry client that never touches the network and counts calls: tests check that bad input never reaches
 * it. It holds one index (REMOTE_INDEX) and accepts one login (password "right"); everything else is unknown.
 */
export class OfflineRegistryClient implements RegistryClient {
  calls = 0;
  async search(): Promise<SearchResult[]> {
    this.calls++;
    return [];
  }
  repository(domain: string, path: string): ReturnType<RegistryClient['repository']> {
    this.calls++;
    const missing = async (): Promise<never> => {
      throw notFound(`manifest unknown: ${domain}/${path} (no registry in tests)`);
    };
    const getManifest = async (): Promise<FetchedManifest> => {
      if (domain !== 'localhost:5999' || path !== 'contract/remote') return missing();
      return {
        digest: `sha256:${createHash('sha256').update(REMOTE_INDEX).digest('hex')}` as Digest,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        bytes: REMOTE_INDEX,
      };
    };
    return {
      domain,
      path,
      getManifest,
      openBlob: () => {
        throw notFound('blob unknown');
      },
      hasBlob: async () => false,
      mountBlob: async () => false,
      pushBlob: missing,
      putManifest: missing,
      listTags: missing,
    };
  }
  async login(domain: string, credentials: RegistryCredentials): Promise<{ identityToken?: string }> {
    this.calls++;
    if (credentials.password === 'right') return {};
    throw unauthorized(`login to ${domain} refused (no registry in tests)`);
  }
}

/** Stopped containers' filesystems: a plain directory per operation instead of an overlay mount. */
class DirContainerFs extends LocalContainerFs {
  constructor(private readonly dir: string) {
    super(dir);
  }
  override async mount(_mounts: Mount[]): Promise<RootfsLease> {
    const root = await mkdtemp(join(this.dir, 'rootfs-'));
    return { root, release: () => rm(root, { recursive: true, force: true }) };
  }
}

const fakeProcesses: ProcessTable = {
  list: async (_args, pids) => ({
    Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
    Processes: pids.map((p) => ['root', String(p), '0', '0', '00:00', '?', '00:00:00', 'fake']),
  }),
};

const fakeMounter: RootfsMounter = {
  mount: async (_mounts, target) => void (await mkdir(target, { recursive: true })),
  unmount: async () => undefined,
  unmountUnder: async () => undefined,
  copyTree: async (source, target) => cp(source, target, { recursive: true, verbatimSymlinks: true }),
};

export interface ApiEngine {
  app: FastifyInstance;
  dir: string;
  /** The same server listening on a unix socket, for hijacked routes (attach, exec start) that inject cannot drive. */
  socketPath: string;
  images: ImageService;
  /** The metadata database, for tests that plant what an older berth may have stored. */
  db: Database;
  containers: ContainerService;
  runtime: FakeRuntime;
  registry: OfflineRegistryClient;
  close(): Promise<void>;
}

export async function startApiEngine(): Promise<ApiEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-api-'));
  const logger = silentLogger();
  const events = new EventLog();
  const db = openDatabase({ root: dir });
  const content = new LocalContentStore({ root: join(dir, 'content') });
  const snapshots = new FakeSnapshotter();
  const images = new ImageService({ records: new SqliteImageRecords(db), content, snapshots, events, logger });

  const volumeDriver = new LocalVolumeDriver({ root: join(dir, 'volumes') });
  await volumeDriver.init();
  const volumes = new VolumeService({ store: new SqliteVolumeStore(db), driver: volumeDriver, events, logger });

  const runtime = new FakeRuntime();
  const containerStore = new SqliteContainerStore(db);
  const files = new LocalContainerFiles({ root: join(dir, 'containers') });
  const host = fakeNetworkHost(dir);
  const networkStore = new SqliteNetworkStore(db);
  const networkRecords = new NetworkRecords({
    store: networkStore,
    host,
    config: {
      defaultBridge: 'berth-test0',
      bip: undefined,
      pools: DEFAULT_ADDRESS_POOLS,
      ipv6Pool: { base: 'fd00:b0:0::/48', size: 64 },
      mtu: 1500,
      ipMasq: true,
      hostGatewayIp: undefined,
    },
  });
  const attach = new ContainerAttach({
    networks: networkRecords,
    store: networkStore,
    containers: containerStore,
    host,
    files,
    logger,
    events,
  });
  const networks = new NetworkService({
    records: networkRecords,
    live: attach.live,
    store: networkStore,
    containers: containerStore,
    host,
    dns: fakeDns,
    events,
    logger,
    config: networkRecords.config,
  });
  await networks.init();
  const execs = new ExecService({ store: containerStore, runtime, events, logger });
  const containers = new ContainerService({
    store: containerStore,
    images: { resolve: (ref) => images.resolveForContainer(ref), idsFor: (ref) => images.idsFor(ref) },
    snapshots,
    files,
    runtime,
    events,
    logger,
    storageDriver: 'native',
    volumes,
    networks: attach,
    probe: (id, cmd, options) => execs.runProbe(id, cmd, options),
  });
  images.setUsage((imageId) => containers.usersOf(imageId));
  volumes.setUsers(() => containers.volumeUsers());
  const fsDir = join(dir, 'rootfs-mounts');
  await mkdir(fsDir, { recursive: true });
  const extras = new ContainerExtras({
    access: containers.access,
    fs: new DirContainerFs(fsDir),
    snapshots,
    files,
    runtime,
    processes: fakeProcesses,
    images: { commitLayer: (request) => images.commitLayer(request) },
  });
  const builder = new Builder({
    images,
    content,
    snapshots,
    containers,
    cache: new SqliteBuildCache(db),
    mounter: fakeMounter,
    workRoot: join(dir, 'builder'),
    logger,
  });
  images.setHiddenImages(builder.hiddenImages());
  const registryClient = new OfflineRegistryClient();
  const registry = new RegistryImages({ images, registry: registryClient, events, logger });

  const system = new SystemService(
    new NodeHostInfo(),
    {
      id: 'TEST:ENGINE:ID',
      version: '0.0.0-test',
      gitCommit: '',
      apiVersion: '1.47',
      minApiVersion: '1.24',
      rootDir: dir,
      storageDriver: 'native',
      loggingDriver: 'json-file',
      defaultRuntime: 'runc',
      runtimes: { runc: { path: 'runc' } },
      initBinary: 'catatonit',
      securityOptions: ['name=seccomp,profile=builtin'],
      debug: false,
    },
    async () => ({ images: images.count(), ...containers.counts() }),
    () => events.listenerCount(),
  );
  const app = createEngineApi(
    logger,
    { engineVersion: '0.0.0-test' },
    {
      system,
      events,
      images,
      storageDriver: 'native',
      containers,
      execs,
      containersPerImage: () => containers.containersPerImage(),
      volumes,
      registry,
      builder,
      containerExtras: extras,
      networks,
    },
  );
  const socketPath = join(dir, 'api.sock');
  await app.listen({ path: socketPath });
  return {
    app,
    dir,
    socketPath,
    images,
    db,
    containers,
    runtime,
    registry: registryClient,
    async close() {
      await app.close();
      await containers.close();
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
