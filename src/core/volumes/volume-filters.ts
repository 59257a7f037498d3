// The filters of GET /volumes and POST /volumes/prune, with Docker's keys, matching and error messages.
import { invalidArgument } from '../errdefs.js';
import { ANONYMOUS_LABEL, type VolumeRecord } from './volume-record.js';

export type Filters = Map<string, string[]>;

const LIST_KEYS = new Set(['dangling', 'name', 'label', 'driver']);
const PRUNE_KEYS = new Set(['label', 'label!', 'all']);

function checkKeys(filters: Filters, accepted: Set<string>): void {
  for (const key of filters.keys()) if (!accepted.has(key)) throw invalidArgument(`invalid filter '${key}'`);
}

function booleanFilter(filters: Filters, key: string): boolean | undefined {
  const values = filters.get(key);
  if (!values?.length) return undefined;
  if (values.every((v) => v === 'true' || v === '1')) return true;
  if (values.every((v) => v === 'false' || v === '0')) return false;
  throw invalidArgument(`invalid filter '${key}=[${values.join(' ')}]'`);
}

/** `key` or `key=value`, any of them (Docker's MatchKVList). */
function matchesLabels(labels: Record<string, string>, wanted: string[]): boolean {
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) return w in labels;
    return labels[w.slice(0, eq)] === w.slice(eq + 1);
  });
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
  checkKeys(filters, LIST_KEYS);
  const dangling = booleanFilter(filters, 'dangling');
  const names = filters.get('name') ?? [];
  const labels = filters.get('label') ?? [];
  const drivers = filters.get('driver') ?? [];
  return (v) =>
    (dangling === undefined || dangling === !inUse(v.name)) &&
    (!names.length || matchesName(v.name, names)) &&
    (!labels.length || matchesLabels(v.labels, labels)) &&
    (!drivers.length || drivers.includes(v.driver));
}

/** Prune: unused volumes; anonymous ones only unless all=true (API >= 1.42; older APIs mean all). */
export function volumePruneFilter(filters: Filters, apiAtLeast142: boolean): (v: VolumeRecord) => boolean {
  checkKeys(filters, PRUNE_KEYS);
  const all = booleanFilter(filters, 'all') ?? !apiAtLeast142;
  const labels = filters.get('label') ?? [];
  const notLabels = filters.get('label!') ?? [];
  return (v) =>
    (all || v.anonymous || ANONYMOUS_LABEL in v.labels) &&
    (!labels.length || matchesLabels(v.labels, labels)) &&
    (!notLabels.length || !notLabels.some((l) => matchesLabels(v.labels, [l])));
}
