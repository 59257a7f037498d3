// A registry's v1 search answer ({"results":[...]}) checked and reduced to Docker's ImageSearch fields.
import { z } from 'zod';
import { internal } from '../../core/errdefs.js';
import type { SearchResult } from '../../core/remotes/registry-client.js';

const resultsSchema = z.object({
  results: z
    .array(
      z.object({
        name: z.string(),
        description: z.string().nullish(),
        star_count: z.number().int().nullish(),
        is_official: z.boolean().nullish(),
        is_automated: z.boolean().nullish(),
      }),
    )
    .nullish(),
});

export function parseSearchResults(body: string): SearchResult[] {
  let parsed: z.infer<typeof resultsSchema>;
  try {
    parsed = resultsSchema.parse(JSON.parse(body));
  } catch (err) {
    throw internal(`error decoding registry search results: ${(err as Error).message}`, err);
  }
  return (parsed.results ?? []).map((r) => ({
    star_count: r.star_count ?? 0,
    is_official: r.is_official ?? false,
    name: r.name,
    is_automated: r.is_automated ?? false,
    description: r.description ?? '',
  }));
}
