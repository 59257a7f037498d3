// Which Kubernetes pod a container belongs to, for the containers list: berth's CRI marks a pod's infra container
// and its containers with io.berth.cri.kind (only the CRI may set it) and carries dockershim's pod labels;
// a container made through the Docker API with look-alike io.kubernetes.* labels is not a pod's.
export interface PodRef {
  namespace: string;
  name: string;
  /** The pod's infra container (dockershim's k8s_POD_…), not one of its workloads. */
  infra: boolean;
}

export function podOf(labels: Record<string, string> | null | undefined): PodRef | undefined {
  const kind = labels?.['io.berth.cri.kind'];
  if (kind !== 'sandbox' && kind !== 'container') return undefined;
  return {
    namespace: labels?.['io.kubernetes.pod.namespace'] ?? '',
    name: labels?.['io.kubernetes.pod.name'] ?? '',
    infra: kind === 'sandbox',
  };
}

/** "namespace/name", as kubectl names a pod. */
export const podLabel = (pod: PodRef): string => (pod.namespace ? `${pod.namespace}/${pod.name}` : pod.name);
