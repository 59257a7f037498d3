// berth start: start one or more stopped containers.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { forEachContainer } from '../container-action.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Start one or more stopped containers')
    .argument('[containers...]') as DockerCommand;
  cmd.action(
    async (refs: string[], _opts: { timeout?: string; signal?: string; force?: boolean; volumes?: boolean }) => {
      requireArgs(cmd, refs, { min: 1 });
      await forEachContainer(ctx, refs, async (ref) => {
        await ctx.client.containers.start(ref);
        return ref;
      });
    },
  );
  return cmd;
}
