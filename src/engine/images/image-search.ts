// GET /images/search as Docker's registry service answers it: the term names the registry ("host:port/foo";
// none means Docker Hub), the registry's v1 search API is asked, and the filters is-official, is-automated
// and stars (at least) select among its answers. `limit` goes to the registry (1 to 100, 25 by default).
import { invalidArgument } from '../../core/errdefs.js';
import { checkFilterKeys, type Filters } from '../../core/filters/filter-args.js';
import type { RegistryClient, RegistryCredentials, SearchResult } from '../../core/remotes/registry-client.js';

const DEFAULT_LIMIT = 25;

/** Docker's splitReposSearchTerm: a first part with a dot, a colon or "localhost" is a registry. */
export function splitSearchTerm(term: string): { index: string; remote: string } {
  const slash = term.indexOf('/');
  const first = slash < 0 ? term : term.slice(0, slash);
  if (slash < 0 || (!first.includes('.') && !first.includes(':') && first !== 'localhost'))
    return { index: 'docker.io', remote: term };
  return { index: first, remote: term.slice(slash + 1) };
}

/** Docker's GetBoolOrDefault: true/1 or false/0, not both. */
function boolFilter(filters: Filters, key: string): boolean | undefined {
  const values = filters.get(key);
  if (values === undefined) return undefined;
  const isTrue = values.includes('true') || values.includes('1');
  const isFalse = values.includes('false') || values.includes('0');
  if (isTrue === isFalse) throw invalidArgument(`invalid filter '${key}=${values.join(',')}'`);
  return isTrue;
}

export interface SearchOptions {
  limit?: string;
  filters: Filters;
  credentials?: RegistryCredentials;
  signal?: AbortSignal;
}

export async function searchImages(
  registry: RegistryClient,
  term: string,
  options: SearchOptions,
): Promise<SearchResult[]> {
  const { filters } = options;
  checkFilterKeys(filters, ['is-automated', 'is-official', 'stars']);
  const automated = boolFilter(filters, 'is-automated');
  const official = boolFilter(filters, 'is-official');
  let stars = 0;
  for (const v of filters.get('stars') ?? []) {
    if (!/^[+-]?\d+$/.test(v)) throw invalidArgument(`invalid filter 'stars=${v}'`);
    stars = Math.max(stars, Number(v));
  }
  let limit = DEFAULT_LIMIT;
  if (options.limit !== undefined && options.limit !== '') {
    if (!/^[+-]?\d+$/.test(options.limit))
      throw invalidArgument(
        `invalid limit specified: strconv.Atoi: parsing ${JSON.stringify(options.limit)}: invalid syntax`,
      );
    limit = Number(options.limit);
  }
  if (limit < 1 || limit > 100) throw invalidArgument(`limit ${limit} is outside the range of [1, 100]`);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(term))
    throw invalidArgument(`invalid repository name: repository name (${term}) should not have a scheme`);
  const { index, remote } = splitSearchTerm(term);
  // Docker Hub stores "library/foo" as "foo".
  const query = index === 'docker.io' ? remote.replace(/^library\//, '') : remote;
  const results = await registry.search(index, query, limit, options.credentials, { signal: options.signal });
  return results.filter(
    (r) =>
      (automated === undefined || r.is_automated === automated) &&
      (official === undefined || r.is_official === official) &&
      r.star_count >= stars,
  );
}
