// The labels that make a berth container one of a pod's (its infra container or a container in it): berth's
// CRI keeps its facts under io.berth.cri.*, and only the CRI may set them. A Docker API create carrying one
// is refused, and an image carrying them (a pod's container committed) passes none on, so a container made
// through the Docker API is never taken for a pod's.
import { invalidArgument } from '../errdefs.js';

export const CRI_LABEL_PREFIX = 'io.berth.cri.';

export const isCriOwnedLabel = (key: string): boolean => key.startsWith(CRI_LABEL_PREFIX);

/** The labels without berth's CRI-owned ones. */
export function withoutCriOwnedLabels(labels: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) if (!isCriOwnedLabel(k)) out[k] = v;
  return out;
}

/** InvalidArgument naming the first CRI-owned label of a create that does not come from the CRI. */
export function refuseCriOwnedLabels(labels: Record<string, string> | null | undefined): void {
  const owned = Object.keys(labels ?? {}).find(isCriOwnedLabel);
  if (owned)
    throw invalidArgument(`label ${owned}: the prefix ${CRI_LABEL_PREFIX} is reserved for the pods of berth's CRI`);
}
