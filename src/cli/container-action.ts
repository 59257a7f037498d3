// The shape shared by verbs that act on each named container in turn (start, stop, kill, rm, ...): errors are
// collected and printed at the end, and the exit status is 1 if any failed, as docker does.
import { ApiError } from '../client/engine-client.js';
import { CliExit, type CliContext } from './context.js';

export async function forEachContainer(
  ctx: CliContext,
  refs: string[],
  act: (ref: string) => Promise<string | undefined>,
): Promise<void> {
  const errors: string[] = [];
  for (const ref of refs) {
    try {
      const line = await act(ref);
      if (line !== undefined) ctx.out(`${line}\n`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      errors.push(`Error response from daemon: ${err.message}`);
    }
  }
  if (errors.length) throw new CliExit(1, errors.join('\n'));
}
