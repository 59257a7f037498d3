// berth pause / unpause: freeze or thaw every process of each named container; prints each name.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { forEachContainer } from '../container-action.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const unpause = name === 'unpause';
  const cmd = parent
    .command(name)
    .usage('CONTAINER [CONTAINER...]')
    .description(
      unpause
        ? 'Unpause all processes within one or more containers'
        : 'Pause all processes within one or more containers',
    )
    .argument('[containers...]') as DockerCommand;
  cmd.action(async (refs: string[]) => {
    requireArgs(cmd, refs, { min: 1 });
    await forEachContainer(ctx, refs, async (ref) => {
      await (unpause ? ctx.client.containers.unpause(ref) : ctx.client.containers.pause(ref));
      return ref;
    });
  });
  return cmd;
}
