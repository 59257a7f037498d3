// Use cases behind /version and /info: what the daemon is and what it holds, in Docker's shapes.
import type { HostInfo } from '../../core/system/host-info.js';
import type { SystemInfo, SystemVersion } from '../../spec/docker/system.js';
import { LOG_DRIVERS } from '../../core/runtime/log-drivers.js';

export interface DaemonIdentity {
  /** Stable per data root, generated once. */
  id: string;
  version: string;
  gitCommit: string;
  apiVersion: string;
  minApiVersion: string;
  rootDir: string;
  storageDriver: string;
  loggingDriver: string;
  defaultRuntime: string;
  runtimes: Record<string, { path: string }>;
  initBinary: string;
  securityOptions: string[];
  debug: boolean;
  /** dockerd's registry-mirrors as `docker info` shows them (each ending in "/"). */
  registryMirrors?: string[];
}

export interface ObjectCounts {
  containersRunning: number;
  containersPaused: number;
  containersStopped: number;
  images: number;
}

/** Supplied by whichever services own the objects; absent ones count as zero. */
export type CountObjects = () => Promise<Partial<ObjectCounts>>;

export class SystemService {
  constructor(
    private readonly host: HostInfo,
    private readonly identity: DaemonIdentity,
    private readonly countObjects: CountObjects,
    private readonly eventListenerCount: () => number = () => 0,
  ) {}

  version(): SystemVersion {
    const facts = this.host.facts();
    const details = {
      ApiVersion: this.identity.apiVersion,
      MinAPIVersion: this.identity.minApiVersion,
      GitCommit: this.identity.gitCommit,
      Os: 'linux',
      Arch: facts.goArch,
      KernelVersion: facts.kernelVersion,
      NodeVersion: process.version,
    };
    const components = [
      { Name: 'Engine', Version: this.identity.version, Details: details },
      ...Object.entries(facts.toolVersions).map(([Name, Version]) => ({ Name, Version, Details: { GitCommit: '' } })),
    ];
    return {
      Platform: { Name: 'berth' },
      Components: components,
      Version: this.identity.version,
      ApiVersion: this.identity.apiVersion,
      MinAPIVersion: this.identity.minApiVersion,
      GitCommit: this.identity.gitCommit,
      GoVersion: process.version,
      Os: 'linux',
      Arch: facts.goArch,
      KernelVersion: facts.kernelVersion,
      BuildTime: '',
    };
  }

  async info(): Promise<SystemInfo> {
    const facts = this.host.facts();
    const counts = await this.countObjects();
    const running = counts.containersRunning ?? 0;
    const paused = counts.containersPaused ?? 0;
    const stopped = counts.containersStopped ?? 0;
    const v1 = facts.cgroupVersion === '1';
    return {
      ID: this.identity.id,
      Containers: running + paused + stopped,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: stopped,
      Images: counts.images ?? 0,
      Driver: this.identity.storageDriver,
      DriverStatus: [['Backing Filesystem', 'extfs']],
      DockerRootDir: this.identity.rootDir,
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Authorization: null, Log: [...LOG_DRIVERS] },
      MemoryLimit: true,
      SwapLimit: v1,
      KernelMemoryTCP: false,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      OomKillDisable: v1,
      IPv4Forwarding: true,
      BridgeNfIptables: false,
      BridgeNfIp6tables: false,
      Debug: this.identity.debug,
      NFd: this.host.openFileCount(),
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: this.identity.loggingDriver,
      CgroupDriver: 'cgroupfs',
      CgroupVersion: facts.cgroupVersion,
      NEventsListener: this.eventListenerCount(),
      KernelVersion: facts.kernelVersion,
      OperatingSystem: facts.operatingSystem,
      OSVersion: facts.osVersion,
      OSType: 'linux',
      Architecture: facts.architecture,
      NCPU: facts.ncpu,
      MemTotal: facts.memTotal,
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: {
        AllowNondistributableArtifactsCIDRs: [],
        AllowNondistributableArtifactsHostnames: [],
        InsecureRegistryCIDRs: ['127.0.0.0/8', '::1/128'],
        IndexConfigs: {
          'docker.io': {
            Name: 'docker.io',
            Mirrors: this.identity.registryMirrors ?? [],
            Secure: true,
            Official: true,
          },
        },
        Mirrors: this.identity.registryMirrors ?? [],
      },
      GenericResources: null,
      HttpProxy: process.env.HTTP_PROXY ?? '',
      HttpsProxy: process.env.HTTPS_PROXY ?? '',
      NoProxy: process.env.NO_PROXY ?? '',
      Name: facts.hostname,
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: this.identity.version,
      Runtimes: this.identity.runtimes,
      DefaultRuntime: this.identity.defaultRuntime,
      Swarm: {
        NodeID: '',
        NodeAddr: '',
        LocalNodeState: 'inactive',
        ControlAvailable: false,
        Error: '',
        RemoteManagers: null,
      },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: this.identity.initBinary,
      ContainerdCommit: { ID: '' },
      RuncCommit: { ID: facts.toolVersions.runc ?? '' },
      InitCommit: { ID: '' },
      SecurityOptions: this.identity.securityOptions,
      Warnings: null,
      CDISpecDirs: [],
    };
  }
}
