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

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const aborted = (): void => reject(new ConnectError('solve canceled', Code.Canceled));
    if (signal.aborted) return aborted();
    signal.addEventListener('abort', aborted, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', aborted));
  });
}

export function controlService(deps: BuildkitDeps): Partial<ServiceImpl<typeof Control>> {
  const { solves, sessions } = deps;
  return {
    listWorkers: () => create(ListWorkersResponseSchema, { record: [berthWorker(deps.version)] }),

    info: () => create(InfoResponseSchema, { buildkitVersion: berthBuildkitVersion(deps.version) }),

    diskUsage: (req) => create(DiskUsageResponseSchema, { record: diskUsage(deps.builder, req.filter) }),

    async *prune(req) {
      yield* await pruneCache(deps.builder, req);
    },

    async solve(req, ctx) {
      checkExporter(req.Exporter, req.ExporterAttrs);
      if (req.Definition && req.Definition.def.length > 0)
        throw new ConnectError('solving an LLB definition is not supported by berth yet', Code.Unimplemented);
      if (req.Frontend && req.Frontend !== DOCKERFILE_FRONTEND)
        throw new ConnectError(
          `frontend "${req.Frontend}" is not supported by berth (only ${DOCKERFILE_FRONTEND})`,
          Code.Unimplemented,
        );
      if ((req.Cache?.Exports.length ?? 0) > 0 || (req.Cache?.Imports.length ?? 0) > 0)
        throw new ConnectError(
          'cache import and export (--cache-from, --cache-to) are not supported by berth yet',
          Code.Unimplemented,
        );
      const state = solves.get(req.Ref);
      state.setSession(req.Session);
      return timedPhases(deps.logger, 'buildkit-solve', { ref: req.Ref, exporter: req.Exporter }, async () => {
        try {
          let record: ImageRecord | undefined;
          if (req.Frontend === DOCKERFILE_FRONTEND) {
            const session = await sessions.get(req.Session, { signal: ctx.signal });
            record = await runDockerfileFrontend({
              builder: deps.builder,
              session,
              progress: state.progress,
              attrs: req.FrontendAttrs,
              workRoot: deps.workRoot,
              signal: ctx.signal,
            });
          } else {
            const returned = await raceAbort(state.returned, ctx.signal);
            if (returned.error) throw new ConnectError(returned.error.message, returned.error.code as Code);
            if (returned.ref) {
              record = state.results.get(returned.ref);
              if (!record) throw new ConnectError(`unknown result reference ${returned.ref}`, Code.InvalidArgument);
            }
          }
          phase('frontend');
          if (!record || req.Exporter === '') return create(SolveResponseSchema, { ExporterResponse: {} });
          if (req.Exporter === 'tar' || req.Exporter === 'local') {
            const session = await sessions.get(req.Session, { signal: ctx.signal });
            const send = req.Exporter === 'tar' ? exportTarToClient : exportLocalToClient;
            const response = await send(deps.builder, session, record, state.progress, ctx.signal);
            return create(SolveResponseSchema, { ExporterResponse: response });
          }
          const response = await exportImage(deps.images, record, req.ExporterAttrs, state.progress);
          return create(SolveResponseSchema, { ExporterResponse: response });
        } finally {
          solves.finish(req.Ref);
          phase('export');
        }
      });
    },

    async *status(req, ctx) {
      yield* solves.get(req.Ref).progress.stream(ctx.signal);
    },
  };
}
