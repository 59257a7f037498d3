// `POST /build/prune` filters as Docker's builder reads them: `until` (or its old name `unused-for`) keeps what
// was used since then; id (a pattern), parent, type, description, inuse, shared, private select entries;
// label and label! are accepted and, as in Docker, select nothing. Any other key is refused.
import { invalidArgument } from '../core/errdefs.js';
import { checkFilterKeys, createdAfter, timeFilterNano, type Filters } from '../core/filters/filter-args.js';
import type { BuildCacheEntry } from '../core/builder/build-cache.js';

const KEYS = ['until', 'unused-for', 'label', 'label!', 'id', 'parent', 'type', 'description', 'inuse', 'shared', 'private'];

export interface CacheFacts {
  /** The entry's layer is held by a named image. */
  shared: boolean;
}

export function buildCachePruneFilter(filters: Filters, nowMs = Date.now()): (e: BuildCacheEntry, facts: CacheFacts) => boolean {
  checkFilterKeys(filters, KEYS);
  const untils = [...(filters.get('until') ?? []), ...(filters.get('unused-for') ?? [])];
  if (untils.length > 1) throw invalidArgument('more than one until filter specified');
  const until = untils[0] === undefined ? undefined : timeFilterNano(untils[0], nowMs);
  const one = (key: string): string | undefined => {
    const values = filters.get(key);
    if (values && values.length > 1) throw invalidArgument('filters expect only one value');
    return values?.[0];
  };
  const id = one('id');
  const idPattern = id === undefined ? undefined : safeRegExp(id);
  const [parent, type, description] = [one('parent'), one('type'), one('description')];
  const flag = (key: string): boolean | undefined => (filters.has(key) ? !['false', '0'].includes(one(key) ?? 'true') : undefined);
  const [inuse, shared, priv] = [flag('inuse'), flag('shared'), flag('private')];
  return (e, facts) =>
    !createdAfter(e.lastUsed, until) &&
    (idPattern === undefined || idPattern.test(e.key)) &&
    (parent === undefined || e.parent === parent) &&
    (type === undefined || type === 'regular') &&
    (description === undefined || e.description === description) &&
    (inuse === undefined || inuse === false) &&
    (shared === undefined || shared === facts.shared) &&
    (priv === undefined || priv === !facts.shared);
}

function safeRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}
