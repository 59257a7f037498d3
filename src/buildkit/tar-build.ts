// POST /build?version=2: the classic protocol's context tar, built by berth's one builder with BuildKit's
// progress, as dockerd's BuildKit answers it: each SolveStatus goes out as a `moby.buildkit.trace` aux message
// (the StatusResponse protobuf, base64), then `moby.image.id` and the classic `Successfully tagged` lines. The
// client's session (dockerode opens one serving Auth) is used when it names one; dockerd builds without it.
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { toBinary } from '@bufbuild/protobuf';
import { StatusResponseSchema } from '../gen/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';
import { familiarOf } from '../core/images/reference.js';
import type { BuildRequest } from '../builder/ports.js';
import type { BuildkitDeps } from './deps.js';
import { SolveProgress } from './solve-progress.js';
import { buildkitError, stepObserver } from './dockerfile-frontend.js';
import { sessionShares } from './session-shares.js';

export const TRACE_ID = 'moby.buildkit.trace';

export async function buildTarWithTrace(
  deps: BuildkitDeps,
  body: Readable,
  request: BuildRequest,
  sessionId: string | undefined,
  emit: (message: object) => void,
  options: { signal: AbortSignal },
): Promise<void> {
  const progress = new SolveProgress(randomBytes(16).toString('hex'));
  const forwarded = (async () => {
    for await (const update of progress.stream())
      emit({ id: TRACE_ID, aux: Buffer.from(toBinary(StatusResponseSchema, update)).toString('base64') });
  })();
  const session = sessionId ? deps.sessions.find(sessionId) : undefined;
  const load = progress.vertex('[internal] load remote build context');
  let names: string[] = [];
  let imageId: string;
  try {
    const built = await deps.builder.buildTar(
      body,
      {
        ...request,
        // The classic stream's quiet has no meaning here: the client shows BuildKit's progress or not.
        quiet: false,
        steps: stepObserver(progress, load),
        ...(session ? { session: sessionShares(session) } : {}),
      },
      undefined,
      { signal: options.signal, onContext: () => load.end() },
    );
    names = built.names;
    imageId = built.record.id;
    const exporting = progress.vertex('exporting to image');
    exporting.status('exporting layers');
    exporting.status(`writing image ${imageId}`);
    for (const n of names) exporting.status(`naming to ${n}`);
    exporting.end();
  } catch (err) {
    const shown = err instanceof Error ? buildkitError(err) : new Error(String(err));
    load.end(shown);
    throw shown;
  } finally {
    progress.finish();
    await forwarded;
  }
  emit({ id: 'moby.image.id', aux: { ID: imageId } });
  for (const n of names) emit({ stream: `Successfully tagged ${familiarOf(n)}\n` });
}
