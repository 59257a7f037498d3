// Docker's engine serialises its Go structs whole: a field nobody set still appears, as "", 0, false or null.
// Clients index into inspect output without checking (docker-py scripts read inspect['HostConfig']['Privileged']),
// so berth's inspect carries every field too, with Docker's zero value under whatever the container has.
import type { ContainerConfig, HostConfig } from '../../spec/docker/containers.js';
import type { ImageInspectConfig } from '../../spec/docker/images.js';
import { compareApiVersions } from '../server/api-version.js';

/** HostConfig's fields as dockerd 20.10 writes them for a container created with an empty HostConfig. */
const HOST_CONFIG_ZERO: HostConfig = {
  Binds: null,
  ContainerIDFile: '',
  LogConfig: { Type: '', Config: {} },
  NetworkMode: '',
  PortBindings: null,
  RestartPolicy: { Name: '', MaximumRetryCount: 0 },
  AutoRemove: false,
  VolumeDriver: '',
  VolumesFrom: null,
  CapAdd: null,
  CapDrop: null,
  CgroupnsMode: '',
  Dns: null,
  DnsOptions: null,
  DnsSearch: null,
  ExtraHosts: null,
  GroupAdd: null,
  IpcMode: '',
  Cgroup: '',
  Links: null,
  OomScoreAdj: 0,
  PidMode: '',
  Privileged: false,
  PublishAllPorts: false,
  ReadonlyRootfs: false,
  SecurityOpt: null,
  UTSMode: '',
  UsernsMode: '',
  ShmSize: 0,
  ConsoleSize: [0, 0],
  Isolation: '',
  CpuShares: 0,
  Memory: 0,
  NanoCpus: 0,
  CgroupParent: '',
  BlkioWeight: 0,
  BlkioWeightDevice: null,
  BlkioDeviceReadBps: null,
  BlkioDeviceWriteBps: null,
  BlkioDeviceReadIOps: null,
  BlkioDeviceWriteIOps: null,
  CpuPeriod: 0,
  CpuQuota: 0,
  CpuRealtimePeriod: 0,
  CpuRealtimeRuntime: 0,
  CpusetCpus: '',
  CpusetMems: '',
  Devices: null,
  DeviceCgroupRules: null,
  DeviceRequests: null,
  KernelMemoryTCP: 0,
  MemoryReservation: 0,
  MemorySwap: 0,
  MemorySwappiness: null,
  OomKillDisable: false,
  PidsLimit: null,
  Ulimits: null,
  CpuCount: 0,
  CpuPercent: 0,
  IOMaximumIOps: 0,
  IOMaximumBandwidth: 0,
};

/** Docker's Config struct with nothing set, as dockerd writes it: the fields that are not omitempty. An image's
 * ContainerConfig when no container was committed to it; under a container's own Config in inspect. */
export const zeroContainerConfig = (): ImageInspectConfig => ({
  Hostname: '',
  Domainname: '',
  User: '',
  AttachStdin: false,
  AttachStdout: false,
  AttachStderr: false,
  Tty: false,
  OpenStdin: false,
  StdinOnce: false,
  Env: null,
  Cmd: null,
  Image: '',
  Volumes: null,
  WorkingDir: '',
  Entrypoint: null,
  OnBuild: null,
  Labels: null,
});

/** The container's HostConfig over Docker's zero values; KernelMemory only for the API versions that had it. */
export function fullHostConfig(hostConfig: HostConfig, apiVersion: string): HostConfig {
  const zero = compareApiVersions(apiVersion, '1.42') < 0 ? { ...HOST_CONFIG_ZERO, KernelMemory: 0 } : HOST_CONFIG_ZERO;
  return { ...zero, ...definedOnly(hostConfig) };
}

export function fullContainerConfig(config: ContainerConfig): ContainerConfig {
  // A container's labels are an empty map when it has none (dockerd fills them from the image), never null.
  return { ...zeroContainerConfig(), Labels: {}, ...definedOnly(config) };
}

/** A field present but undefined would hide its zero value and vanish from the JSON. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
