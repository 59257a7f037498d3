// docker's --filter flags: `key=value` pairs sent as the `filters` JSON query parameter.
import { CliExit } from './context.js';

export type Filters = Record<string, Record<string, boolean>>;

export function parseFilters(flags: string[] | undefined, extra: Filters = {}): Filters {
  const filters: Filters = structuredClone(extra);
  for (const flag of flags ?? []) {
    const eq = flag.indexOf('=');
    if (eq < 0)
      throw new CliExit(
        125,
        `invalid argument "${flag}" for "-f, --filter" flag: bad format of filter (expected name=value)\nSee '${process.argv[1] ? 'berth' : 'berth'} --help'.`,
      );
    const key = flag.slice(0, eq).trim().toLowerCase();
    const value = flag.slice(eq + 1).trim();
    (filters[key] ??= {})[value] = true;
  }
  return filters;
}

/** The query value, or undefined when there are no filters (docker then omits the parameter). */
export const filtersQuery = (filters: Filters): string | undefined =>
  Object.keys(filters).length ? JSON.stringify(filters) : undefined;
