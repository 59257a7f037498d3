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

function refuseFilters(given: string[]): void {
  // buildx sends one empty filter when none is given.
  const filters = given.filter((f) => f.trim() !== '');
  if (filters.length > 0)
    throw new ConnectError(
      `build cache filters (${filters.join(', ')}) are not supported by berth's BuildKit API yet`,
      Code.Unimplemented,
    );
}

export function diskUsage(builder: Builder, filters: string[]): UsageRecord[] {
  refuseFilters(filters);
  return builder.usage().map(usageRecord);
}

/** Drops the cache (what no build is using), answering with the records it dropped. */
export async function pruneCache(
  builder: Builder,
  request: { filter: string[]; keepDuration: bigint; keepBytes: bigint },
): Promise<UsageRecord[]> {
  refuseFilters(request.filter);
  if (request.keepDuration > 0n)
    throw new ConnectError('prune --keep-duration is not supported by berth yet', Code.Unimplemented);
  if (request.keepBytes > 0n)
    throw new ConnectError('prune --keep-storage is not supported by berth yet', Code.Unimplemented);
  const before = builder.usage();
  const { CachesDeleted } = await builder.prune();
  const deleted = new Set(CachesDeleted.map((key) => key.slice(0, 25)));
  return before.filter((u) => deleted.has(u.ID)).map(usageRecord);
}
