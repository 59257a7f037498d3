// Convergence of one service, pure: from the containers it has (by label) and its configuration hash, what to do so
// that exactly `replicas` containers of the current configuration run. A container whose hash matches is only
// started if stopped; one whose hash differs is recreated under its number; numbers above the scale are removed.
import { LABEL } from './labels.js';

/** What the planner needs to know of an existing container. */
export interface Existing {
  id: string;
  name: string;
  state: string;
  labels: Record<string, string>;
}

export type Action =
  | { kind: 'create'; number: number }
  | { kind: 'recreate'; number: number; container: Existing }
  | { kind: 'start'; number: number; container: Existing }
  | { kind: 'keep'; number: number; container: Existing }
  | { kind: 'remove'; container: Existing };

export interface PlanOptions {
  forceRecreate?: boolean;
  noRecreate?: boolean;
}

const numberOf = (c: Existing): number => Number(c.labels[LABEL.containerNumber] ?? 0);

/** `image`: the ID of the service's image now; a container made from another one is stale, as a changed hash. */
export function planService(
  existing: Existing[],
  replicas: number,
  hash: string,
  opts: PlanOptions = {},
  image?: string,
): Action[] {
  const sorted = [...existing].sort((a, b) => numberOf(a) - numberOf(b));
  const kept = sorted.slice(0, replicas);
  const actions: Action[] = sorted.slice(replicas).map((container) => ({ kind: 'remove', container }));
  for (const container of kept) {
    const number = numberOf(container);
    const changed =
      container.labels[LABEL.configHash] !== hash || (image !== undefined && container.labels[LABEL.image] !== image);
    const stale = opts.forceRecreate || (!opts.noRecreate && changed);
    if (stale) actions.push({ kind: 'recreate', number, container });
    else if (container.state !== 'running') actions.push({ kind: 'start', number, container });
    else actions.push({ kind: 'keep', number, container });
  }
  const used = new Set(kept.map(numberOf));
  let next = 1;
  for (let i = kept.length; i < replicas; i++) {
    while (used.has(next)) next++;
    used.add(next);
    actions.push({ kind: 'create', number: next });
  }
  return actions;
}
