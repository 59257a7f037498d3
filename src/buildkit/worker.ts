// The one worker berthd shows BuildKit clients: this host's platform, no containerd snapshotter label (buildx
// then treats the engine as the classic moby worker: image exporter, no multi-platform).
import { hostname } from 'node:os';
import { create } from '@bufbuild/protobuf';
import { hostPlatform } from '../core/remotes/platform.js';
import { PlatformSchema } from '../gen/buildkit/github.com/moby/buildkit/solver/pb/ops_pb.js';
import {
  BuildkitVersionSchema,
  WorkerRecordSchema,
  type BuildkitVersion,
  type WorkerRecord,
} from '../gen/buildkit/github.com/moby/buildkit/api/types/worker_pb.js';

export function berthBuildkitVersion(version: string): BuildkitVersion {
  return create(BuildkitVersionSchema, { package: 'github.com/berth/berth', version, revision: '' });
}

export function berthWorker(version: string): WorkerRecord {
  const host = hostPlatform(process.arch);
  return create(WorkerRecordSchema, {
    ID: 'berth',
    Labels: {
      'org.mobyproject.buildkit.worker.executor': 'oci',
      'org.mobyproject.buildkit.worker.hostname': hostname(),
    },
    platforms: [create(PlatformSchema, { OS: host.os, Architecture: host.architecture, Variant: host.variant ?? '' })],
    BuildkitVersion: berthBuildkitVersion(version),
  });
}
