// berth stop: stop one or more running containers.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { forEachContainer } from '../container-action.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Stop one or more running containers')
    .argument('[containers...]')
    .option('-t, --timeout <int>', 'Seconds to wait before killing the container')
    .option('-s, --signal <string>', 'Signal to send to the container') as DockerCommand;
  cmd.action(
    async (refs: string[], opts: { timeout?: string; signal?: string; force?: boolean; volumes?: boolean }) => {
      requireArgs(cmd, refs, { min: 1 });
      await forEachContainer(ctx, refs, async (ref) => {
        await ctx.client.containers.stop(ref, { t: opts.timeout, signal: opts.signal });
        return ref;
      });
    },
  );
  return cmd;
}
