// berth build --progress: the reply of POST /build?version=2 shown as BuildKit shows a build (on stderr, as buildx):
// `moby.buildkit.trace` messages decoded and drawn (buildkit-progress.ts), `moby.image.id` taken as the result.
import type { Readable } from 'node:stream';
import { fromBinary } from '@bufbuild/protobuf';
import { StatusResponseSchema } from '../gen/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';
import { jsonMessages, StreamError } from '../client/json-messages.js';
import { CliExit, type CliContext } from './context.js';
import { PlainPrinter, SolveTrace, TtyDisplay } from './buildkit-progress.js';

/** Resolves to the image ID; a failed build exits 1 after the failing step's logs, as buildx does. */
export async function showBuildkitBuild(ctx: CliContext, reply: Readable, mode: string): Promise<string> {
  const err = ctx.stderr;
  const tty = mode === 'tty' || (mode === 'auto' && err.isTTY === true);
  const trace = new SolveTrace();
  const plain = mode === 'quiet' || tty ? undefined : new PlainPrinter((text) => err.write(text));
  const display = tty ? new TtyDisplay(err, trace) : undefined;
  const timer = display ? setInterval(() => display.draw(false), 100) : undefined;
  let imageId = '';
  try {
    for await (const msg of jsonMessages(reply)) {
      if (msg.id === 'moby.buildkit.trace' && typeof msg.aux === 'string') {
        const touched = trace.update(fromBinary(StatusResponseSchema, Buffer.from(msg.aux, 'base64')));
        plain?.print(touched);
      } else if (msg.id === 'moby.image.id') imageId = (msg.aux as { ID?: string } | undefined)?.ID ?? '';
    }
  } catch (e) {
    if (!(e instanceof StreamError)) throw e;
    display?.draw(true);
    throw new CliExit(1, `${mode === 'quiet' ? '' : trace.errorReport()}ERROR: failed to solve: ${e.message}`);
  } finally {
    if (timer) clearInterval(timer);
  }
  display?.draw(true);
  return imageId;
}
