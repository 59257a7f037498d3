// `docker buildx du` and `docker buildx prune` (Control.DiskUsage, Control.Prune) over the one build cache the
// classic builder keeps too: each cached step is a record, as `/system/df` shows them.
import { ConnectError, Code } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  UsageRecordSchema,
  type UsageRecord,
} from '../gen/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';
import type { BuildCacheUsage, Builder } from '../builder/builder.js';
import { EngineError } from '../core/errdefs.js';
import type { Filters } from '../core/filters/filter-args.js';

function usageRecord(u: BuildCacheUsage): UsageRecord {
  return create(UsageRecordSchema, {
    ID: u.ID,
    Mutable: false,
    InUse: u.InUse,
    Size: BigInt(u.Size),
    Parent: u.Parent,
    Parents: u.Parents,
    CreatedAt: timestampFromDate(new Date(u.CreatedAt)),
    LastUsedAt: timestampFromDate(new Date(u.LastUsedAt)),
    UsageCount: BigInt(u.UsageCount),
    Description: u.Description,
    RecordType: u.Type,
    Shared: u.Shared,
  });
}

/**
 * BuildKit's filters (containerd's syntax; buildx joins `--filter` values into one string: `id~=PATTERN`,
 * `key==VALUE`, a bare `inuse`) as the classic builder's filters (build-cache-filters.ts), which hold their
 * meaning. `!=` and other operators are refused by name.
 */
export function buildkitFilters(given: string[]): Filters {
  const filters: Filters = new Map();
  for (const term of given.flatMap((f) => f.split(',')).map((t) => t.trim())) {
    if (term === '') continue;
    const m = /^([\w!-]+)(?:(==|~=|=)(.*))?$/.exec(term);
    if (!m)
      throw new ConnectError(
        `build cache filter "${term}" is not supported by berth (only ==, ~= and a bare key)`,
        Code.InvalidArgument,
      );
    const key = m[1] as string;
    const value = m[3] === undefined ? 'true' : unquote(m[3]);
    if (m[2] === '~=' && key !== 'id')
      throw new ConnectError(`build cache filter "${term}": berth matches a pattern on id only`, Code.InvalidArgument);
    // id== is an exact id: the classic filter's id is a pattern.
    const pattern = key === 'id' && m[2] === '==' ? `^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` : value;
    filters.set(key, [...(filters.get(key) ?? []), pattern]);
  }
  return filters;
}

const unquote = (v: string): string => (/^".*"$/.test(v) ? (JSON.parse(v) as string) : v);

/** The classic filters' errors (EngineError, InvalidArgument) as gRPC errors. */
function grpcError(err: unknown): unknown {
  return err instanceof EngineError ? new ConnectError(err.message, Code.InvalidArgument) : err;
}

export function diskUsage(builder: Builder, filters: string[]): UsageRecord[] {
  try {
    return builder.usage(buildkitFilters(filters)).map(usageRecord);
  } catch (err) {
    throw grpcError(err);
  }
}

/** Drops the cache the filters select (what no build is using), keeping as asked; answers with what it dropped. */
export async function pruneCache(
  builder: Builder,
  request: { filter: string[]; keepDuration: bigint; keepBytes: bigint },
): Promise<UsageRecord[]> {
  try {
    const { deleted } = await builder.prune(buildkitFilters(request.filter), {
      // keepDuration is in nanoseconds (buildx sends `--filter until=` there).
      keepDurationMs: Number(request.keepDuration / 1_000_000n),
      keepBytes: Number(request.keepBytes),
    });
    return deleted.map(usageRecord);
  } catch (err) {
    throw grpcError(err);
  }
}
