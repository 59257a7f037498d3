// A Kubernetes pod's network, as the CRI asks for it: attached once the pod's infra process holds its network
// namespace, detached when the pod stops or goes (idempotent, also for a pod whose namespace is gone). The
// daemon injects CNI (drivers/cni) here; the CRI never sees plugins or their configuration files.
export interface PodPortMapping {
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIP: string;
}

export interface PodNetworkRequest {
  /** The pod sandbox's id: CNI's container id, the key of its address leases. */
  id: string;
  /** The infra process's network namespace (/proc/<pid>/ns/net); '' on a teardown after it exited. */
  netnsPath: string;
  name: string;
  namespace: string;
  uid: string;
  portMappings: PodPortMapping[];
}

export interface PodNetwork {
  /** Ready when a network configuration is there to attach pods to; else why not. */
  status(): Promise<{ ready: boolean; message: string }>;
  /** Attaches the pod; its addresses (IPv4 first). Undone by the caller with detach on a later failure. */
  attach(request: PodNetworkRequest, options?: { signal?: AbortSignal }): Promise<{ ips: string[] }>;
  detach(request: PodNetworkRequest): Promise<void>;
}
