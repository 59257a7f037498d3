// A PodSandboxConfig as the berth container that holds the pod's namespaces: the pause image's infra process,
// network "none" (a namespace of its own, which CNI then wires) or the host's, a shareable IPC namespace its
// containers join, the pod's hostname, DNS, sysctls, cgroup parent and the sandbox's own seccomp profile (unset is
// unconfined, the CRI's default, as for containers). Options berth cannot honour are refused.
import { invalidArgument } from '../core/errdefs.js';
import type { ContainerCreateRequest } from '../spec/docker/containers.js';
import {
  ANNOTATIONS,
  KIND,
  LOG_DIRECTORY,
  METADATA,
  NAMESPACES,
  POD_SHARED,
  checkCriLabels,
  podContainerName,
  withDockershimLabels,
} from './cri-labels.js';
import { seccompOption } from './seccomp-option.js';
import { NamespaceMode, type PodSandboxConfig } from './proto.js';

export interface PodShared {
  hostname: string;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  cgroupParent: string;
}

export interface SandboxNamespaces {
  network: NamespaceMode;
  pid: NamespaceMode;
  ipc: NamespaceMode;
}

export function sandboxMetadata(config: PodSandboxConfig): {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
} {
  const m = config.metadata;
  if (!m?.name) throw invalidArgument('PodSandboxConfig.Metadata.Name: must be set');
  return { name: m.name, uid: m.uid, namespace: m.namespace, attempt: m.attempt };
}

export function sandboxNamespaces(config: PodSandboxConfig): SandboxNamespaces {
  const ns = config.linux?.securityContext?.namespaceOptions;
  const sandboxLevel = (mode: NamespaceMode | undefined, what: string): NamespaceMode => {
    const m = mode ?? NamespaceMode.POD;
    if (m === NamespaceMode.TARGET)
      throw invalidArgument(`PodSandboxConfig: ${what} namespace mode TARGET is for containers`);
    return m === NamespaceMode.NODE ? NamespaceMode.NODE : NamespaceMode.POD;
  };
  if (ns?.usernsOptions && ns.usernsOptions.mode !== NamespaceMode.NODE)
    throw invalidArgument('PodSandboxConfig: user namespaces are not supported by berth');
  return {
    network: sandboxLevel(ns?.network, 'network'),
    pid: sandboxLevel(ns?.pid, 'pid'),
    ipc: sandboxLevel(ns?.ipc, 'ipc'),
  };
}

/** What berth does not do for a pod, refused by name rather than dropped. */
function refuseUnsupported(config: PodSandboxConfig): void {
  const sc = config.linux?.securityContext;
  if (
    sc?.selinuxOptions &&
    (sc.selinuxOptions.level || sc.selinuxOptions.type || sc.selinuxOptions.role || sc.selinuxOptions.user)
  )
    throw invalidArgument('PodSandboxConfig: SELinux options are not supported by berth');
  if (config.windows) throw invalidArgument('PodSandboxConfig: Windows options on a Linux node');
}

export function sandboxCreateRequest(
  config: PodSandboxConfig,
  image: string,
  readProfile: (path: string) => string,
): { name: string; request: ContainerCreateRequest; shared: PodShared } {
  const meta = sandboxMetadata(config);
  const ns = sandboxNamespaces(config);
  refuseUnsupported(config);
  checkCriLabels(config.labels);
  const hostNetwork = ns.network === NamespaceMode.NODE;
  const dns = config.dnsConfig;
  const shared: PodShared = {
    hostname: hostNetwork ? '' : config.hostname,
    dns: dns?.servers ?? [],
    dnsSearch: dns?.searches ?? [],
    dnsOptions: dns?.options ?? [],
    cgroupParent: config.linux?.cgroupParent ?? '',
  };
  const sc = config.linux?.securityContext;
  const request: ContainerCreateRequest = {
    Image: image,
    ...(shared.hostname ? { Hostname: shared.hostname } : {}),
    Labels: {
      ...withDockershimLabels(config.labels, meta, { name: 'POD' }),
      [KIND]: 'sandbox',
      [METADATA]: JSON.stringify(meta),
      [ANNOTATIONS]: JSON.stringify(config.annotations),
      [LOG_DIRECTORY]: config.logDirectory,
      [NAMESPACES]: JSON.stringify(ns),
      [POD_SHARED]: JSON.stringify(shared),
    },
    HostConfig: {
      NetworkMode: hostNetwork ? 'host' : 'none',
      IpcMode: ns.ipc === NamespaceMode.NODE ? 'host' : 'shareable',
      ...(ns.pid === NamespaceMode.NODE ? { PidMode: 'host' } : {}),
      ...(shared.cgroupParent ? { CgroupParent: shared.cgroupParent } : {}),
      Dns: shared.dns,
      DnsSearch: shared.dnsSearch,
      DnsOptions: shared.dnsOptions,
      Sysctls: config.linux?.sysctls ?? {},
      Privileged: sc?.privileged ?? false,
      ReadonlyRootfs: sc?.readonlyRootfs ?? false,
      // The sandbox's own profile (LinuxSandboxSecurityContext.seccomp), unconfined when unset as the CRI says and
      // containerd does; kubelet sends RuntimeDefault here when the pod (or SeccompDefault) asks for it.
      SecurityOpt: seccompOption(sc, readProfile),
      // The infra process writes nothing worth keeping.
      LogConfig: { Type: 'none', Config: {} },
    },
  };
  return { name: podContainerName('POD', meta, meta.attempt), request, shared };
}
