// berth wait: block until one or more containers stop, then print their exit codes.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { forEachContainer } from '../container-action.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Block until one or more containers stop, then print their exit codes')
    .argument('[containers...]') as DockerCommand;
  cmd.action(
    async (refs: string[], _opts: { timeout?: string; signal?: string; force?: boolean; volumes?: boolean }) => {
      requireArgs(cmd, refs, { min: 1 });
      await forEachContainer(ctx, refs, async (ref) => String((await ctx.client.containers.wait(ref)).StatusCode));
    },
  );
  return cmd;
}
