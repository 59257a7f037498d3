// A Solve's cache import and export options (--cache-from, --cache-to). buildx sends imports twice: in the
// request's Cache.Imports and, for a gateway build, as the frontend's `cache-imports` attribute (JSON).
// What berth does not honour is refused by name before the build starts.
import { ConnectError, Code } from '@connectrpc/connect';
import type { CacheOptions } from '../gen/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';

/** Cache importers and exporters berth serves (none yet: each is refused with its type named). */
const IMPORTERS = new Set<string>();
const EXPORTERS = new Set<string>();

export function checkCacheOptions(cache: CacheOptions | undefined): void {
  if (!cache) return;
  if (cache.ExportRefDeprecated || cache.ImportRefsDeprecated.length > 0)
    throw new ConnectError(
      'the deprecated cache options (export-cache, import-cache) are not supported by berth',
      Code.Unimplemented,
    );
  for (const entry of cache.Exports)
    if (!EXPORTERS.has(entry.Type))
      throw new ConnectError(
        `cache exporter "${entry.Type}" (--cache-to type=${entry.Type}) is not supported by berth yet`,
        Code.Unimplemented,
      );
  for (const entry of cache.Imports)
    if (!IMPORTERS.has(entry.Type))
      throw new ConnectError(
        `cache importer "${entry.Type}" (--cache-from type=${entry.Type}) is not supported by berth yet`,
        Code.Unimplemented,
      );
}
