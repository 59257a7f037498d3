// moby.buildkit.v1.frontend.LLBBridge on /grpc: buildx runs every build as a gateway client (it asks for the
// dockerfile.v0 frontend through Solve, then Returns the result), its calls tagged with the build's ref in the
// buildkit-controlapi-buildid metadata. Frontend subrequests (--print outline/targets) and raw LLB are refused.
import { randomBytes } from 'node:crypto';
import { ConnectError, Code, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import {
  LLBBridge,
  PongResponseSchema,
  RefSchema,
  ResultSchema,
  ReturnResponseSchema,
  SolveResponseSchema,
  WarnResponseSchema,
} from '../gen/buildkit/github.com/moby/buildkit/frontend/gateway/pb/gateway_pb.js';
import { APICapSchema } from '../gen/buildkit/github.com/moby/buildkit/util/apicaps/pb/caps_pb.js';
import type { BuildkitDeps } from './deps.js';
import { phase, timedPhases } from '../lib/phases.js';
import type { SolveState } from './solves.js';
import { berthWorker } from './worker.js';
import { runDockerfileFrontend } from './dockerfile-frontend.js';

export const DOCKERFILE_FRONTEND = 'dockerfile.v0';
const BUILD_ID_HEADER = 'buildkit-controlapi-buildid';
/** The gateway capabilities berth implements (a client checks these before using a call or a wire format). */
const FRONTEND_CAPS = ['solve.base', 'solve.inlinereturn', 'return', 'proto.refarray', 'gateway.warnings'];

export function gatewayService(deps: BuildkitDeps): Partial<ServiceImpl<typeof LLBBridge>> {
  const buildOf = (ctx: HandlerContext): SolveState => {
    const ref = ctx.requestHeader.get(BUILD_ID_HEADER);
    if (!ref) throw new ConnectError(`no ${BUILD_ID_HEADER} in the call's metadata`, Code.InvalidArgument);
    // Made on first mention: the client's gateway calls and its Control.Solve race.
    return deps.solves.get(ref);
  };
  return {
    ping: () =>
      create(PongResponseSchema, {
        FrontendAPICaps: FRONTEND_CAPS.map((ID) => create(APICapSchema, { ID, Enabled: true })),
        Workers: [berthWorker(deps.version)],
      }),

    async solve(req, ctx) {
      const state = buildOf(ctx);
      const requestId = req.FrontendOpt.requestid ?? '';
      if (requestId.startsWith('frontend.'))
        throw new ConnectError(`unsupported request ${requestId}`, Code.Unimplemented);
      if (!req.Frontend)
        throw new ConnectError('solving an LLB definition is not supported by berth yet', Code.Unimplemented);
      if (req.Frontend !== DOCKERFILE_FRONTEND)
        throw new ConnectError(
          `frontend "${req.Frontend}" is not supported by berth (only ${DOCKERFILE_FRONTEND})`,
          Code.Unimplemented,
        );
      const record = await timedPhases(deps.logger, 'buildkit-frontend', { ref: state.ref }, async () => {
        const session = await deps.sessions.get(await state.sessionId(ctx.signal), { signal: ctx.signal });
        phase('session');
        return runDockerfileFrontend({
          builder: deps.builder,
          session,
          progress: state.progress,
          attrs: req.FrontendOpt,
          syncedDirs: deps.syncedDirs,
          gitPath: deps.gitPath,
          inlineCache: state.cache.inline,
          logger: deps.logger.child({ ref: state.ref }),
          signal: ctx.signal,
        });
      });
      const id = randomBytes(16).toString('hex');
      state.results.set(id, record);
      return create(SolveResponseSchema, {
        result: create(ResultSchema, { result: { case: 'ref', value: create(RefSchema, { id }) } }),
      });
    },

    return(req, ctx) {
      const state = buildOf(ctx);
      if (req.error && req.error.code !== 0)
        state.return({ error: { code: req.error.code, message: req.error.message } });
      else {
        const result = req.result?.result;
        if (result?.case === 'refs' || result?.case === 'refsDeprecated')
          throw new ConnectError(
            'a build result with several references (multi-platform) is not supported by berth yet',
            Code.Unimplemented,
          );
        const ref = result?.case === 'ref' ? result.value.id : result?.case === 'refDeprecated' ? result.value : '';
        state.return({ ref: ref || undefined });
      }
      return create(ReturnResponseSchema, {});
    },

    // A frontend's warning (its digest names one of the build's vertexes) goes into the build's progress.
    warn(req, ctx) {
      buildOf(ctx).progress.warn({
        vertex: req.digest,
        level: req.level,
        short: req.short,
        detail: req.detail,
        url: req.url,
        ...(req.info ? { info: req.info } : {}),
        ranges: req.ranges,
      });
      return create(WarnResponseSchema, {});
    },
  };
}
