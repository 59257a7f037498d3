// How a pod sandbox or a pod's container is kept in berth's container store: a berth container whose Docker
// labels carry the CRI labels as they are (so `berth ps --filter label=io.kubernetes.pod.name=...` works, as
// under dockershim) and the CRI's own facts under io.berth.cri.* keys, which the CRI never answers as labels.
import { invalidArgument } from '../core/errdefs.js';

const PREFIX = 'io.berth.cri.';
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

export type CriKind = 'sandbox' | 'container';

/** The labels the CRI gave: every label but berth's own. */
export function criLabels(labels: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) if (!k.startsWith(PREFIX)) out[k] = v;
  return out;
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
