// The filters of GET /volumes and POST /volumes/prune, with Docker's keys, matching and error messages.
import { invalidArgument } from '../errdefs.js';
import { checkFilterKeys, matchKVList, matchLabels, type Filters } from '../filters/filter-args.js';
import { ANONYMOUS_LABEL, type VolumeRecord } from './volume-record.js';

export type { Filters };

const LIST_KEYS = ['dangling', 'name', 'label', 'driver'];
const PRUNE_KEYS = ['label', 'label!', 'all'];

function booleanFilter(filters: Filters, key: string): boolean | undefined {
  const values = filters.get(key);
  if (!values?.length) return undefined;
  if (values.every((v) => v === 'true' || v === '1')) return true;
  if (values.every((v) => v === 'false' || v === '0')) return false;
  throw invalidArgument(`invalid filter '${key}=[${values.join(' ')}]'`);
}

/** Docker matches names as regular expressions (an invalid one as a plain substring). */
function matchesName(name: string, patterns: string[]): boolean {
  return patterns.some((p) => {
    try {
      return new RegExp(p).test(name);
    } catch {
      return name.includes(p);
    }
  });
}

export function volumeListFilter(filters: Filters, inUse: (name: string) => boolean): (v: VolumeRecord) => boolean {
  checkFilterKeys(filters, LIST_KEYS);
  const dangling = booleanFilter(filters, 'dangling');
  const names = filters.get('name') ?? [];
  const drivers = filters.get('driver') ?? [];
  return (v) =>
    (dangling === undefined || dangling === !inUse(v.name)) &&
    (!names.length || matchesName(v.name, names)) &&
    matchKVList(filters, 'label', v.labels) &&
    (!drivers.length || drivers.includes(v.driver));
}

/** Prune: unused volumes; anonymous ones only unless all=true (API >= 1.42; older APIs mean all). */
export function volumePruneFilter(filters: Filters, apiAtLeast142: boolean): (v: VolumeRecord) => boolean {
  checkFilterKeys(filters, PRUNE_KEYS);
  const all = booleanFilter(filters, 'all') ?? !apiAtLeast142;
  return (v) => (all || v.anonymous || ANONYMOUS_LABEL in v.labels) && matchLabels(filters, v.labels);
}
