// GET /networks and POST /networks/prune filters, as Docker: list takes driver, id, name (both regular
// expressions, as filters.Match), label, scope, type, dangling; prune takes label, label! and until.
import { invalidArgument } from '../../core/errdefs.js';
import {
  checkFilterKeys,
  createdAfter,
  matchKVList,
  matchLabels,
  pruneUntilNano,
  type Filters,
} from '../../core/filters/filter-args.js';
import type { NetworkRecord } from '../../core/networks/network-record.js';

const LIST_KEYS = ['driver', 'id', 'name', 'label', 'scope', 'type', 'dangling'];
const PRUNE_KEYS = ['label', 'label!', 'until'];

const predefined = (n: NetworkRecord): boolean =>
  ['bridge', 'host', 'none'].includes(n.name) && (n.isDefault || n.driver !== 'bridge');

/** Docker's filters.Match: the exact value, or an unanchored regular expression that matches. */
function match(patterns: string[], source: string): boolean {
  return patterns.some((p) => {
    if (p === source) return true;
    try {
      return new RegExp(p).test(source);
    } catch {
      return false;
    }
  });
}

export function networkFilter(filters: Filters, inUse: (n: NetworkRecord) => boolean): (n: NetworkRecord) => boolean {
  checkFilterKeys(filters, LIST_KEYS);
  const get = (key: string): string[] => filters.get(key) ?? [];
  for (const v of get('type'))
    if (v !== 'custom' && v !== 'builtin') throw invalidArgument(`invalid filter: 'type'='${v}'`);
  const dangling = get('dangling');
  if (dangling.length > 1) throw invalidArgument('got more than one value for filter key "dangling"');
  if (dangling.length === 1 && !['true', 'false', '1', '0'].includes(dangling[0] ?? '')) {
    throw invalidArgument(`invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`);
  }
  const danglingOnly = dangling[0] === 'true' || dangling[0] === '1';
  return (n) =>
    (get('driver').length === 0 || get('driver').includes(n.driver)) &&
    (get('name').length === 0 || match(get('name'), n.name)) &&
    (get('id').length === 0 || match(get('id'), n.id)) &&
    matchKVList(filters, 'label', n.labels) &&
    (get('scope').length === 0 || get('scope').includes('local')) &&
    (get('type').length === 0 || get('type').some((v) => (v === 'builtin' ? predefined(n) : !predefined(n)))) &&
    // dangling=true: user-defined and unused; dangling=false: the others (predefined or in use).
    (dangling.length === 0 || danglingOnly === (!predefined(n) && !inUse(n)));
}

/** Prune's selection among unused, user-defined networks: labels and `until` (created after it are kept). */
export function networkPruneFilter(filters: Filters): (n: NetworkRecord) => boolean {
  checkFilterKeys(filters, PRUNE_KEYS);
  const until = pruneUntilNano(filters);
  return (n) => matchLabels(filters, n.labels) && !createdAfter(n.created, until);
}
