// What the engine knows about a container once image config and create request are merged: the input of
// buildOciSpec. Berth's own shape, independent of Docker's API types, so the spec builder is easy to test.
import type { ResolvedUser } from './user.js';
import type { OciDeviceCgroup } from '../../spec/oci/runtime-spec.js';
import type { SpecBlkio, SpecDevice } from './devices.js';

export type SpecMount =
  | {
      type: 'bind';
      source: string;
      destination: string;
      readOnly: boolean;
      /** rprivate unless given (private, rprivate, shared, rshared, slave, rslave). */
      propagation?: string;
    }
  | {
      type: 'tmpfs';
      destination: string;
      readOnly: boolean;
      /** tmpfs options such as size=64m, mode=1777. */
      options: string[];
    };

export type NetworkNamespace = { mode: 'private' } | { mode: 'host' } | { mode: 'path'; path: string };

/** pid, ipc and uts: a new namespace, the host's, or another container's (`/proc/<pid>/ns/<type>`). */
export type NamespaceJoin = NetworkNamespace;

export interface SpecNamespaces {
  pid: NamespaceJoin;
  ipc: NamespaceJoin;
  uts: NamespaceJoin;
  /** Absent: the host's default (private on cgroup v2, host on v1, as Docker). */
  cgroup?: 'private' | 'host';
}

/** /dev/shm: the container's own tmpfs, none (--ipc none), or a bind of the host's or the IPC donor's. */
export type ShmMount = { mode: 'tmpfs' } | { mode: 'none' } | { mode: 'bind'; source: string };

export interface SpecResources {
  /** Bytes; 0 or absent for no limit. */
  memory?: number;
  /** Memory plus swap in bytes; -1 unlimited; absent means twice `memory` (Docker's default). */
  memorySwap?: number;
  memoryReservation?: number;
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  /** 0, -1 or absent for no limit. */
  pidsLimit?: number;
  /** 0-100; absent or -1: the parent's. */
  memorySwappiness?: number;
  oomKillDisable?: boolean;
  kernelMemoryTcp?: number;
  cpuRealtimePeriod?: number;
  cpuRealtimeRuntime?: number;
  blkio?: SpecBlkio;
}

export interface SpecUlimit {
  /** Docker's short name: nofile, nproc, core, memlock, ... */
  name: string;
  soft: number;
  hard: number;
}

export interface ContainerSpecInput {
  /** The process: entrypoint + cmd, already merged. */
  args: string[];
  /** Final environment (engine-merged, see containerEnv()). */
  env: string[];
  cwd: string;
  user: ResolvedUser;
  hostname: string;
  domainname: string;
  tty: boolean;
  openStdin: boolean;
  /** Host path of the mounted rootfs. */
  rootfsPath: string;
  readonlyRootfs: boolean;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  /** no-new-privileges[:true|false|=…], seccomp=unconfined|<profile JSON>, apparmor=… (ignored), label=… (ignored). */
  securityOpt: string[];
  sysctls: Record<string, string>;
  ulimits: SpecUlimit[];
  mounts: SpecMount[];
  /** Host paths of the container's /etc files, bind-mounted over the image's. */
  etcFiles: { hosts?: string; hostname?: string; resolvConf?: string };
  /** /dev/shm size in bytes; 0 means Docker's 64 MiB. */
  shmSize: number;
  resources: SpecResources;
  network: NetworkNamespace;
  /** Host path of catatonit or tini when --init: bound at /sbin/docker-init and prepended to args. */
  initPath?: string;
  /** runc's cgroupsPath (absolute path below each hierarchy, or slice:prefix:name with systemd). */
  cgroupsPath: string;
  oomScoreAdj?: number;
  /** Absent: all private. */
  namespaces?: SpecNamespaces;
  /** Absent: the container's own tmpfs. */
  shm?: ShmMount;
  /** --device nodes with their host facts. */
  devices?: SpecDevice[];
  /** --device-cgroup-rule lines, parsed. */
  deviceCgroupRules?: OciDeviceCgroup[];
  /** Replace Docker's lists when given (HostConfig.MaskedPaths / ReadonlyPaths). */
  maskedPaths?: string[];
  readonlyPaths?: string[];
  annotations?: Record<string, string>;
}
