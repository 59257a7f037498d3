// `POST /build/prune` filters as Docker's builder reads them: `until` (or its old name `unused-for`), a Go
// duration only (not a date, unlike the other prunes), keeps what was used within it; id (a pattern), parent, type, description, inuse, shared, private select entries;
// label and label! are accepted and, as in Docker, select nothing. Any other key is refused.
import { invalidArgument } from '../core/errdefs.js';
import { checkFilterKeys, createdAfter, type Filters } from '../core/filters/filter-args.js';
import { parseGoDuration } from '../lib/timetypes.js';
import type { BuildCacheEntry } from '../core/builder/build-cache.js';

/** Docker's builder wraps its filter errors so. */
const FAILED = 'failed to prune build cache: ';
const KEYS = [
  'until',
  'unused-for',
  'label',
  'label!',
  'id',
  'parent',
  'type',
  'description',
  'inuse',
  'shared',
  'private',
];

export interface CacheFacts {
  /** The entry's layer is held by a named image. */
  shared: boolean;
}

export function buildCachePruneFilter(
  filters: Filters,
  nowMs = Date.now(),
): (e: BuildCacheEntry, facts: CacheFacts) => boolean {
  checkFilterKeys(filters, KEYS);
  if (filters.has('until') && filters.has('unused-for'))
    throw invalidArgument(`${FAILED}conflicting filters: "until" and "unused-for"`);
  const untils = [...(filters.get('until') ?? []), ...(filters.get('unused-for') ?? [])];
  if (untils.length > 1) throw invalidArgument(`${FAILED}filters expect only one value`);
  const until = untils[0] === undefined ? undefined : unusedSinceNano(untils[0], nowMs);
  const one = (key: string): string | undefined => {
    const values = filters.get(key);
    if (values && values.length > 1) throw invalidArgument('filters expect only one value');
    return values?.[0];
  };
  const id = one('id');
  const idPattern = id === undefined ? undefined : safeRegExp(id);
  const [parent, type, description] = [one('parent'), one('type'), one('description')];
  const flag = (key: string): boolean | undefined =>
    filters.has(key) ? !['false', '0'].includes(one(key) ?? 'true') : undefined;
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

/** The moment `value` (a Go duration) before now, in nanoseconds since the epoch; Docker's message otherwise. */
function unusedSinceNano(value: string, nowMs: number): bigint {
  const ns = parseGoDuration(value);
  if (ns === undefined)
    throw invalidArgument(
      `${FAILED}"until" filter expects a duration (e.g., '24h'): time: invalid duration ${JSON.stringify(value)}`,
    );
  return BigInt(nowMs) * 1_000_000n - BigInt(Math.round(ns));
}

function safeRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}
