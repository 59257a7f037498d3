// Docker's query parameter conventions: lenient booleans, JSON filters, repeated keys.
import { invalidArgument } from '../../core/errdefs.js';

export type Query = Record<string, string | string[] | undefined>;

const FALSE_VALUES = new Set(['', '0', 'no', 'false', 'none']);

/** The last value of a parameter that may be repeated. */
export function queryString(q: Query, key: string): string | undefined {
  const v = q[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Every value of a repeated parameter (`t=a&t=b`). */
export function queryList(q: Query, key: string): string[] {
  const v = q[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Docker's boolean: "", 0, no, false, none (any case) are false; absent is the default. */
export function queryBool(q: Query, key: string, fallback = false): boolean {
  const v = queryString(q, key);
  if (v === undefined) return fallback;
  return !FALSE_VALUES.has(v.toLowerCase());
}

export function queryInt(q: Query, key: string, fallback?: number): number | undefined {
  const v = queryString(q, key);
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw invalidArgument(`invalid value for ${key}: ${JSON.stringify(v)}`);
  return n;
}

/** Filters: `{"label":{"a=b":true}}` or the legacy `{"label":["a=b"]}`, as term -> values. */
export type Filters = Map<string, string[]>;

export function queryFilters(q: Query, key = 'filters'): Filters {
  const raw = queryString(q, key);
  const filters: Filters = new Map();
  if (raw === undefined || raw === '') return filters;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidArgument(`invalid filter: ${raw}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalidArgument(`invalid filter: ${raw}`);
  for (const [term, values] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(values)) filters.set(term, values.map(String));
    else if (typeof values === 'object' && values !== null)
      filters.set(
        term,
        Object.entries(values)
          .filter(([, on]) => on === true)
          .map(([v]) => v),
      );
    else throw invalidArgument(`invalid filter: ${raw}`);
  }
  return filters;
}

/** An image name from a wildcard path (names hold slashes), decoded once more as clients encode it; a bad escape is a bad name. */
export function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidArgument('invalid reference format');
  }
}
