// Docker's filter arguments (moby api/types/filters) as every list and prune endpoint reads them: one check for
// unknown keys, one label matcher (`label`, `label!`), one `until` reading. Keys are those of `?filters=`.
import { invalidArgument } from '../errdefs.js';
import { parseTimeArg, TimeParseError } from '../../lib/timetypes.js';

export type Filters = Map<string, string[]>;

/** Refuses a key the endpoint does not support, with Docker's message ("invalid filter 'x'"). */
export function checkFilterKeys(filters: Filters, accepted: readonly string[]): void {
  for (const key of filters.keys()) if (!accepted.includes(key)) throw invalidArgument(`invalid filter '${key}'`);
}

/** Docker's MatchKVList: true when `key` is unset; otherwise every `k` / `k=v` value must hold in `labels`. */
export function matchKVList(filters: Filters, key: string, labels: Record<string, string> | null | undefined): boolean {
  const wanted = filters.get(key) ?? [];
  if (wanted.length === 0) return true;
  const have = labels ?? {};
  if (Object.keys(have).length === 0) return false;
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    const k = eq < 0 ? w : w.slice(0, eq);
    if (!Object.prototype.hasOwnProperty.call(have, k)) return false;
    return eq < 0 || have[k] === w.slice(eq + 1);
  });
}

/** Prune's label rule: every `label` holds, and not every `label!` holds (moby's matchLabels). */
export function matchLabels(filters: Filters, labels: Record<string, string> | null | undefined): boolean {
  if (!matchKVList(filters, 'label', labels)) return false;
  if ((filters.get('label!') ?? []).length > 0 && matchKVList(filters, 'label!', labels)) return false;
  return true;
}

/** A time filter value as nanoseconds since the epoch; 400 with Docker's message when it is not one. */
export function timeFilterNano(value: string, nowMs = Date.now()): bigint {
  try {
    return parseTimeArg(value, nowMs);
  } catch (err) {
    if (err instanceof TimeParseError) throw invalidArgument(err.message);
    throw err;
  }
}

/** Prune's `until` (one value at most): objects created after it are kept. Undefined when not given. */
export function pruneUntilNano(filters: Filters, nowMs = Date.now()): bigint | undefined {
  const values = filters.get('until') ?? [];
  if (values.length > 1) throw invalidArgument('more than one until filter specified');
  const [value] = values;
  return value === undefined ? undefined : timeFilterNano(value, nowMs);
}

/** Nanoseconds since the epoch of an RFC 3339 creation time (as records store them). */
export function createdNano(created: string): bigint {
  const ms = Date.parse(created);
  if (Number.isNaN(ms)) return 0n;
  const frac = /\.(\d+)/.exec(created)?.[1] ?? '';
  return BigInt(Math.floor(ms / 1000)) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9) || '0');
}

/** Prune keeps what was created after `until`. */
export function createdAfter(created: string, until: bigint | undefined): boolean {
  return until !== undefined && createdNano(created) > until;
}
