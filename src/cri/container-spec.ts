// A CRI ContainerConfig as a berth container in its pod: the sandbox's network, IPC and UTS namespaces joined
// (its PID namespace too unless the pod asks otherwise), its hostname, DNS and cgroup parent; command and args
// as entrypoint and cmd; mounts as binds with their propagation; the security context as Docker's HostConfig
// says it; the log at <log_directory>/<log_path> in the CRI format (conmon's k8s-file). What berth cannot honour
// is refused by name.
import { isAbsolute, join } from 'node:path';
import { invalidArgument } from '../core/errdefs.js';
import type { ContainerCreateRequest, HostConfig } from '../spec/docker/containers.js';
import {
  ANNOTATIONS,
  IMAGE,
  KIND,
  METADATA,
  MOUNTS,
  SANDBOX_ID,
  checkCriLabels,
  podContainerName,
  withDockershimLabels,
} from './cri-labels.js';
import {
  MountPropagation,
  NamespaceMode,
  SecurityProfile_ProfileType,
  type ContainerConfig,
  type LinuxContainerSecurityContext,
} from './proto.js';
import type { PodShared } from './sandbox-spec.js';
import { seccompOption } from './seccomp-option.js';
import { criMemorySwap } from './container-resources.js';

export interface SandboxFacts {
  id: string;
  meta: { name: string; uid: string; namespace: string };
  logDirectory: string;
  hostNetwork: boolean;
  hostIpc: boolean;
  hostPid: boolean;
  shared: PodShared;
}

export interface CriMount {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  propagation: MountPropagation;
}

const PROPAGATION: Record<MountPropagation, string> = {
  [MountPropagation.PROPAGATION_PRIVATE]: 'rprivate',
  [MountPropagation.PROPAGATION_HOST_TO_CONTAINER]: 'rslave',
  [MountPropagation.PROPAGATION_BIDIRECTIONAL]: 'rshared',
};

/** CRI capability names come with or without CAP_; Docker's HostConfig takes either, "ALL" as is. */
const capName = (c: string): string => (c.toUpperCase() === 'ALL' ? 'ALL' : c.toUpperCase().replace(/^CAP_/, ''));

function refuseUnsupported(config: ContainerConfig): void {
  const sc = config.linux?.securityContext;
  const se = sc?.selinuxOptions;
  if (se && (se.level || se.type || se.role || se.user))
    throw invalidArgument('ContainerConfig: SELinux options are not supported by berth');
  if (sc?.apparmor && sc.apparmor.profileType === SecurityProfile_ProfileType.Localhost)
    throw invalidArgument('ContainerConfig: AppArmor profiles are not supported by berth');
  if (sc?.apparmorProfile && !['', 'runtime/default', 'unconfined'].includes(sc.apparmorProfile))
    throw invalidArgument('ContainerConfig: AppArmor profiles are not supported by berth');
  if (sc?.namespaceOptions?.usernsOptions && sc.namespaceOptions.usernsOptions.mode !== NamespaceMode.NODE)
    throw invalidArgument('ContainerConfig: user namespaces are not supported by berth');
  const r = config.linux?.resources;
  if (r?.hugepageLimits.some((h) => h.limit > 0n))
    throw invalidArgument('ContainerConfig: hugepage limits are not supported by berth');
  if (r && Object.keys(r.unified).length > 0)
    throw invalidArgument('ContainerConfig: unified cgroup resources are not supported by berth');
  if (config.windows) throw invalidArgument('ContainerConfig: Windows options on a Linux node');
}

function userOf(sc: LinuxContainerSecurityContext | undefined): string | undefined {
  if (!sc) return undefined;
  const group = sc.runAsGroup ? `:${sc.runAsGroup.value}` : '';
  if (sc.runAsGroup && !sc.runAsUser && !sc.runAsUsername)
    throw invalidArgument('ContainerConfig: RunAsGroup is set without RunAsUser or RunAsUsername');
  if (sc.runAsUser) return `${sc.runAsUser.value}${group}`;
  if (sc.runAsUsername) return `${sc.runAsUsername}${group}`;
  return undefined;
}

function pidMode(sc: LinuxContainerSecurityContext | undefined, sandbox: SandboxFacts): string | undefined {
  const mode = sc?.namespaceOptions?.pid ?? NamespaceMode.POD;
  if (mode === NamespaceMode.NODE || sandbox.hostPid) return 'host';
  if (mode === NamespaceMode.CONTAINER) return undefined;
  if (mode === NamespaceMode.TARGET) {
    const target = sc?.namespaceOptions?.targetId;
    if (!target) throw invalidArgument('ContainerConfig: PID namespace mode TARGET without a target id');
    return `container:${target}`;
  }
  return `container:${sandbox.id}`;
}

export function containerCreateRequest(
  config: ContainerConfig,
  sandbox: SandboxFacts,
  readProfile: (path: string) => string,
): { name: string; request: ContainerCreateRequest; logPath: string } {
  const meta = config.metadata;
  if (!meta?.name) throw invalidArgument('ContainerConfig.Metadata.Name: must be set');
  const image = config.image?.image;
  if (!image) throw invalidArgument('ContainerConfig.Image: must be set');
  refuseUnsupported(config);
  checkCriLabels(config.labels);
  const sc = config.linux?.securityContext;
  const res = config.linux?.resources;
  const memorySwap = res ? criMemorySwap(res.memoryLimitInBytes, res.memorySwapLimitInBytes) : undefined;
  const logPath = config.logPath && sandbox.logDirectory ? join(sandbox.logDirectory, config.logPath) : '';
  const mounts: CriMount[] = config.mounts.map((m) => {
    if (!isAbsolute(m.containerPath))
      throw invalidArgument(`mount ${m.containerPath}: container path must be absolute`);
    if (!isAbsolute(m.hostPath)) throw invalidArgument(`mount ${m.hostPath}: host path must be absolute`);
    return { containerPath: m.containerPath, hostPath: m.hostPath, readonly: m.readonly, propagation: m.propagation };
  });
  const user = userOf(sc);
  const hostConfig: HostConfig = {
    NetworkMode: `container:${sandbox.id}`,
    IpcMode: sandbox.hostIpc ? 'host' : `container:${sandbox.id}`,
    UTSMode: sandbox.hostNetwork ? 'host' : `container:${sandbox.id}`,
    ...(pidMode(sc, sandbox) ? { PidMode: pidMode(sc, sandbox) } : {}),
    ...(sandbox.shared.cgroupParent ? { CgroupParent: sandbox.shared.cgroupParent } : {}),
    Dns: sandbox.shared.dns,
    DnsSearch: sandbox.shared.dnsSearch,
    DnsOptions: sandbox.shared.dnsOptions,
    // Binds create a missing host directory, as the CRI runtimes do for a hostPath.
    Binds: mounts.map(
      (m) => `${m.hostPath}:${m.containerPath}:${[m.readonly ? 'ro' : 'rw', PROPAGATION[m.propagation]].join(',')}`,
    ),
    Devices: config.devices.map((d) => ({
      PathOnHost: d.hostPath,
      PathInContainer: d.containerPath,
      CgroupPermissions: d.permissions || 'rwm',
    })),
    Privileged: sc?.privileged ?? false,
    ReadonlyRootfs: sc?.readonlyRootfs ?? false,
    CapAdd: (sc?.capabilities?.addCapabilities ?? []).map(capName),
    CapDrop: (sc?.capabilities?.dropCapabilities ?? []).map(capName),
    GroupAdd: (sc?.supplementalGroups ?? []).map(String),
    SecurityOpt: [...(sc?.noNewPrivs ? ['no-new-privileges'] : []), ...seccompOption(sc, readProfile)],
    ...(sc?.maskedPaths.length ? { MaskedPaths: sc.maskedPaths } : {}),
    ...(sc?.readonlyPaths.length ? { ReadonlyPaths: sc.readonlyPaths } : {}),
    ...(res?.cpuShares ? { CpuShares: Number(res.cpuShares) } : {}),
    ...(res?.cpuQuota ? { CpuQuota: Number(res.cpuQuota) } : {}),
    ...(res?.cpuPeriod ? { CpuPeriod: Number(res.cpuPeriod) } : {}),
    ...(res?.cpusetCpus ? { CpusetCpus: res.cpusetCpus } : {}),
    ...(res?.cpusetMems ? { CpusetMems: res.cpusetMems } : {}),
    ...(res?.memoryLimitInBytes ? { Memory: Number(res.memoryLimitInBytes) } : {}),
    ...(memorySwap !== undefined ? { MemorySwap: memorySwap } : {}),
    ...(res?.oomScoreAdj ? { OomScoreAdj: Number(res.oomScoreAdj) } : {}),
    LogConfig: logPath ? { Type: 'k8s-file', Config: { path: logPath } } : { Type: 'json-file', Config: {} },
  };
  const request: ContainerCreateRequest = {
    Image: image,
    ...(config.command.length ? { Entrypoint: config.command } : {}),
    ...(config.args.length || config.command.length ? { Cmd: config.args } : {}),
    ...(config.workingDir ? { WorkingDir: config.workingDir } : {}),
    Env: config.envs.map((e) => `${e.key}=${e.value}`),
    ...(user ? { User: user } : {}),
    ...(sandbox.shared.hostname ? { Hostname: sandbox.shared.hostname } : {}),
    Tty: config.tty,
    OpenStdin: config.stdin,
    StdinOnce: config.stdinOnce,
    AttachStdin: false,
    Labels: {
      ...withDockershimLabels(config.labels, sandbox.meta, { name: meta.name, sandboxId: sandbox.id, logPath }),
      [KIND]: 'container',
      [SANDBOX_ID]: sandbox.id,
      [METADATA]: JSON.stringify({ name: meta.name, attempt: meta.attempt }),
      [ANNOTATIONS]: JSON.stringify(config.annotations),
      [IMAGE]: image,
      [MOUNTS]: JSON.stringify(mounts),
    },
    HostConfig: hostConfig,
  };
  return { name: podContainerName(meta.name, sandbox.meta, meta.attempt), request, logPath };
}
