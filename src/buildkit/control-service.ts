// moby.buildkit.v1.Control on /grpc: the calls buildx makes (ListWorkers, Info, Solve, Status, DiskUsage, Prune). Solve runs the
// dockerfile.v0 frontend itself when asked directly, or waits for the client's gateway build (buildx) to
// return its result; then the exporter stores the image. Unimplemented calls answer gRPC Unimplemented.
import { ConnectError, Code, type ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import {
  Control,
  DiskUsageResponseSchema,
  ListWorkersResponseSchema,
  InfoResponseSchema,
  SolveResponseSchema,
  type SolveRequest,
  type SolveResponse,
} from '../gen/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';
import type { ImageRecord } from '../core/images/image-record.js';
import type { BuildkitDeps } from './deps.js';
import { phase, timedPhases } from '../lib/phases.js';
import { berthBuildkitVersion, berthWorker } from './worker.js';
import { checkExporter, exportImage } from './exporter.js';
import { exportLocalToClient, exportTarToClient } from './client-exporters.js';
import { runDockerfileFrontend } from './dockerfile-frontend.js';
import { diskUsage, pruneCache } from './build-cache-usage.js';
import { DOCKERFILE_FRONTEND } from './gateway-service.js';
import type { SolveState } from './solves.js';
import { checkCacheOptions, type SolveCache } from './cache-options.js';
import { returnedError } from './returned-error.js';

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const aborted = (): void => reject(new ConnectError('solve canceled', Code.Canceled));
    if (signal.aborted) return aborted();
    signal.addEventListener('abort', aborted, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', aborted));
  });
}

/** What berth cannot honour, refused by name before any work starts. */
function refuseUnsupported(req: SolveRequest): SolveCache {
  checkExporter(req.Exporter, req.ExporterAttrs);
  if (req.Definition && req.Definition.def.length > 0)
    throw new ConnectError('solving an LLB definition is not supported by berth yet', Code.Unimplemented);
  if (req.Frontend && req.Frontend !== DOCKERFILE_FRONTEND)
    throw new ConnectError(
      `frontend "${req.Frontend}" is not supported by berth (only ${DOCKERFILE_FRONTEND})`,
      Code.Unimplemented,
    );
  return checkCacheOptions(req.Cache);
}

/** Runs the build (the frontend here, or the client's gateway build), then its exporter. */
async function solveAndExport(
  deps: BuildkitDeps,
  req: SolveRequest,
  state: SolveState,
  signal: AbortSignal,
): Promise<SolveResponse> {
  const { sessions } = deps;
  let record: ImageRecord | undefined;
  if (req.Frontend === DOCKERFILE_FRONTEND) {
    const session = await sessions.get(req.Session, { signal });
    record = await runDockerfileFrontend({
      builder: deps.builder,
      session,
      progress: state.progress,
      attrs: req.FrontendAttrs,
      syncedDirs: deps.syncedDirs,
      gitPath: deps.gitPath,
      inlineCache: state.cache.inline,
      logger: deps.logger.child({ ref: req.Ref }),
      signal,
    });
  } else {
    const returned = await raceAbort(state.returned, signal);
    if (returned.error) throw returnedError(returned.error.code, returned.error.message);
    if (returned.ref) {
      record = state.results.get(returned.ref);
      if (!record) throw new ConnectError(`unknown result reference ${returned.ref}`, Code.InvalidArgument);
    }
  }
  phase('frontend');
  if (!record || req.Exporter === '') return create(SolveResponseSchema, { ExporterResponse: {} });
  if (req.Exporter === 'tar' || req.Exporter === 'local') {
    const session = await sessions.get(req.Session, { signal });
    const send = req.Exporter === 'tar' ? exportTarToClient : exportLocalToClient;
    const response = await send(deps.builder, session, record, state.progress, signal);
    return create(SolveResponseSchema, { ExporterResponse: response });
  }
  const response = await exportImage(deps.images, record, req.ExporterAttrs, state.progress);
  return create(SolveResponseSchema, { ExporterResponse: response });
}

export function controlService(deps: BuildkitDeps): Partial<ServiceImpl<typeof Control>> {
  const { solves } = deps;
  return {
    listWorkers: () => create(ListWorkersResponseSchema, { record: [berthWorker(deps.version)] }),

    info: () => create(InfoResponseSchema, { buildkitVersion: berthBuildkitVersion(deps.version) }),

    diskUsage: (req) => create(DiskUsageResponseSchema, { record: diskUsage(deps.builder, req.filter) }),

    async *prune(req) {
      const pruned = await pruneCache(deps.builder, req);
      // The kept contexts go with the cache, as BuildKit's local sources do.
      await deps.syncedDirs.clear();
      yield* pruned;
    },

    async solve(req, ctx) {
      const state = solves.get(req.Ref);
      // Every way out ends the build (a refusal too): Status ends and the client's gateway calls fail, so
      // buildx returns the error instead of waiting for a build that never started.
      let failure: unknown;
      try {
        state.start(req.Session, refuseUnsupported(req));
        return await timedPhases(deps.logger, 'buildkit-solve', { ref: req.Ref, exporter: req.Exporter }, async () => {
          try {
            return await solveAndExport(deps, req, state, ctx.signal);
          } finally {
            phase('export');
          }
        });
      } catch (err) {
        failure = err;
        throw err;
      } finally {
        solves.finish(req.Ref, failure);
      }
    },

    async *status(req, ctx) {
      yield* solves.get(req.Ref).progress.stream(ctx.signal);
    },
  };
}
