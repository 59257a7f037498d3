// How a pod sandbox or a pod's container is kept in berth's container store: a berth container whose Docker
// labels carry the CRI labels as they are (so `berth ps --filter label=io.kubernetes.pod.name=...` works, as
// under dockershim) and the CRI's own facts under io.berth.cri.* keys, which the CRI never answers as labels.
import { invalidArgument } from '../core/errdefs.js';
import { CRI_LABEL_PREFIX } from '../core/containers/cri-owned-labels.js';

const PREFIX = CRI_LABEL_PREFIX;
/** "sandbox" or "container". */
export const KIND = `${PREFIX}kind`;
/** A container's pod sandbox id. */
export const SANDBOX_ID = `${PREFIX}sandbox-id`;
/** The CRI metadata (name, uid, namespace, attempt) as JSON. */
export const METADATA = `${PREFIX}metadata`;
/** The CRI annotations as JSON. */
export const ANNOTATIONS = `${PREFIX}annotations`;
/** A container's image as the CRI asked for it. */
export const IMAGE = `${PREFIX}image`;
/** A container's CRI mounts as JSON (answered by ContainerStatus). */
export const MOUNTS = `${PREFIX}mounts`;
/** A sandbox's log directory (its containers' log paths are relative to it). */
export const LOG_DIRECTORY = `${PREFIX}log-directory`;
/** A sandbox's namespace options as JSON: { network, pid, ipc } in NamespaceMode numbers. */
export const NAMESPACES = `${PREFIX}namespaces`;
/** A sandbox's hostname, DNS and cgroup parent, which its containers share, as JSON. */
export const POD_SHARED = `${PREFIX}pod-shared`;

/** The Kubernetes labels berth added (JSON list of keys): not the CRI's, so never answered as its labels. */
export const ADDED = `${PREFIX}added-labels`;

export type CriKind = 'sandbox' | 'container';

/** The labels the CRI gave: every label but berth's own and those it added. */
export function criLabels(labels: Record<string, string> | null | undefined): Record<string, string> {
  const added = new Set(jsonLabel<string[]>(labels, ADDED, []));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) if (!k.startsWith(PREFIX) && !added.has(k)) out[k] = v;
  return out;
}

/**
 * The labels a pod's containers carried under dockershim, so `berth ps --filter label=io.kubernetes.pod.name=web`,
 * `docker inspect` and tools written for dockershim find them: kubelet's io.kubernetes.pod.{name,namespace,uid}
 * and io.kubernetes.container.name (POD for the infra container), dockershim's own io.kubernetes.docker.type
 * (podsandbox or container), io.kubernetes.sandbox.id and io.kubernetes.container.logpath. Added to the CRI's
 * labels where it did not set them (kubelet sets the pod's with the same values), and listed under ADDED.
 */
export function withDockershimLabels(
  given: Record<string, string>,
  pod: { name: string; namespace: string; uid: string },
  container: { name: string; sandboxId?: string; logPath?: string },
): Record<string, string> {
  const wanted: Record<string, string> = {
    'io.kubernetes.pod.name': pod.name,
    'io.kubernetes.pod.namespace': pod.namespace,
    'io.kubernetes.pod.uid': pod.uid,
    'io.kubernetes.container.name': container.name,
    'io.kubernetes.docker.type': container.sandboxId ? 'container' : 'podsandbox',
    ...(container.sandboxId ? { 'io.kubernetes.sandbox.id': container.sandboxId } : {}),
    ...(container.logPath ? { 'io.kubernetes.container.logpath': container.logPath } : {}),
  };
  const added = Object.keys(wanted).filter((k) => !(k in given));
  return { ...given, ...Object.fromEntries(added.map((k) => [k, wanted[k] ?? ''])), [ADDED]: JSON.stringify(added) };
}

/** A CRI label may not use berth's own prefix: it would be hidden from the CRI's answers. */
export function checkCriLabels(labels: Record<string, string>): void {
  for (const k of Object.keys(labels))
    if (k.startsWith(PREFIX)) throw invalidArgument(`label ${k}: the prefix ${PREFIX} is berth's own`);
}

export function jsonLabel<T>(labels: Record<string, string> | null | undefined, key: string, fallback: T): T {
  const raw = labels?.[key];
  if (raw === undefined) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

/** Every label selector entry matches (the CRI's label_selector: exact key=value). */
export const matchesSelector = (labels: Record<string, string>, selector: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** dockershim's names, so `berth ps` shows which pod a container belongs to: k8s_<container|POD>_<pod>_<ns>_<uid>_<attempt>. */
export function podContainerName(
  container: string,
  pod: { name: string; namespace: string; uid: string },
  attempt: number,
): string {
  return ['k8s', container, pod.name, pod.namespace, pod.uid, String(attempt)].join('_');
}
