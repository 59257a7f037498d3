// A Solve's cache import and export options (--cache-from, --cache-to). buildx sends imports twice: in the
// request's Cache.Imports and, for a gateway build, as the frontend's `cache-imports` attribute (JSON).
// What berth does not honour is refused by name before the build starts.
import { ConnectError, Code } from '@connectrpc/connect';
import type { CacheOptions } from '../gen/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';

/** What a Solve's cache options ask of the build. */
export interface SolveCache {
  /** --cache-to type=inline: the image carries its step cache keys (builder/inline-cache.ts). */
  inline: boolean;
}

/** Cache importers and exporters berth serves, with the attributes each takes; others are refused by name. */
const IMPORTERS: Record<string, Set<string>> = { registry: new Set(['ref']) };
const EXPORTERS: Record<string, Set<string>> = { inline: new Set(['mode']) };

function refuse(message: string): never {
  throw new ConnectError(message, Code.Unimplemented);
}

/** Each entry's type and attributes must be in `known`; the first that is not is refused by name. */
function refuseUnknown(
  entries: readonly { Type: string; Attrs: Record<string, string> }[],
  known: Record<string, Set<string>>,
  kind: 'exporter' | 'importer',
  flag: string,
): void {
  for (const { Type, Attrs } of entries) {
    const attrs = known[Type] ?? refuse(`cache ${kind} "${Type}" (${flag} type=${Type}) is not supported by berth yet`);
    for (const key of Object.keys(Attrs))
      if (!attrs.has(key))
        refuse(`cache ${kind} attribute "${key}" (${flag} type=${Type}) is not supported by berth yet`);
  }
}

export function checkCacheOptions(cache: CacheOptions | undefined): SolveCache {
  if (!cache) return { inline: false };
  if (cache.ExportRefDeprecated || cache.ImportRefsDeprecated.length > 0)
    refuse('the deprecated cache options (export-cache, import-cache) are not supported by berth');
  refuseUnknown(cache.Exports, EXPORTERS, 'exporter', '--cache-to');
  // berth's inline cache holds the final stage's steps (mode=min), not every stage's.
  for (const { Type, Attrs } of cache.Exports)
    if (Type === 'inline' && (Attrs.mode ?? 'min') !== 'min')
      refuse(`inline cache mode "${Attrs.mode}" is not supported (only min)`);
  refuseUnknown(cache.Imports, IMPORTERS, 'importer', '--cache-from');
  return { inline: cache.Exports.some((e) => e.Type === 'inline') };
}
