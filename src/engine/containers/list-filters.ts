// `docker ps --filter`: id, name, label, status, ancestor, exited, before, since, health, network, volume.
import { invalidArgument } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import { checkFilterKeys, matchKVList } from '../../core/filters/filter-args.js';

export type Filters = Map<string, string[]>;

const TERMS = [
  'id',
  'name',
  'label',
  'status',
  'ancestor',
  'exited',
  'before',
  'since',
  'health',
  'network',
  'volume',
  'isolation',
  'is-task',
  'publish',
  'expose',
];
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

export interface FilterContext {
  /** Image IDs an `ancestor` value names (the image and, where known, its descendants). */
  imageIdsFor(reference: string): string[];
  /** Resolves `before`/`since` values to a container. */
  lookup(idOrName: string): ContainerRecord;
}

export function validateListFilters(filters: Filters): void {
  checkFilterKeys(filters, TERMS);
  for (const [term, values] of filters) {
    if (term === 'status')
      for (const v of values) if (!STATUSES.includes(v)) throw invalidArgument(`invalid filter 'status=${v}'`);
    if (term === 'health')
      for (const v of values)
        if (!['starting', 'healthy', 'unhealthy', 'none'].includes(v))
          throw invalidArgument(`Unrecognised filter value for health: ${v}`);
    if (term === 'exited')
      for (const v of values) if (!/^-?\d+$/.test(v)) throw invalidArgument(`invalid filter 'exited=${v}'`);
  }
}

/** Builds a predicate; records are expected newest first (as listed). */
export function buildListFilter(filters: Filters, ctx: FilterContext): (c: ContainerRecord) => boolean {
  validateListFilters(filters);
  const get = (term: string): string[] => filters.get(term) ?? [];
  const ancestors = new Set(get('ancestor').flatMap((ref) => ctx.imageIdsFor(ref)));
  const before = get('before').map((v) => ctx.lookup(v).created);
  const since = get('since').map((v) => ctx.lookup(v).created);
  const anyOf = (values: string[], test: (v: string) => boolean): boolean => values.length === 0 || values.some(test);

  return (c) =>
    anyOf(get('id'), (v) => c.id.startsWith(v)) &&
    anyOf(get('name'), (v) => new RegExp(v.replace(/^\//, '')).test(c.name)) &&
    matchKVList(filters, 'label', c.config.Labels) &&
    anyOf(get('status'), (v) => c.state.status === v) &&
    anyOf(get('exited'), (v) => c.state.status === 'exited' && c.state.exitCode === Number(v)) &&
    (get('ancestor').length === 0 || ancestors.has(c.imageId)) &&
    before.every((t) => c.created < t) &&
    since.every((t) => c.created > t) &&
    anyOf(get('health'), (v) => (c.state.health?.Status ?? 'none') === v) &&
    anyOf(get('network'), (v) => (c.hostConfig.NetworkMode ?? '') === v) &&
    anyOf(get('volume'), (v) => c.mounts.some((m) => m.Name === v || m.Destination === v || m.Source === v));
}
