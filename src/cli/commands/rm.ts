// berth rm: remove one or more containers.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { forEachContainer } from '../container-action.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .description('Remove one or more containers')
    .argument('[containers...]')
    .option('-f, --force', 'Force the removal of a running container (uses SIGKILL)')
    .option('-v, --volumes', 'Remove anonymous volumes associated with the container') as DockerCommand;
  cmd.action(
    async (refs: string[], opts: { timeout?: string; signal?: string; force?: boolean; volumes?: boolean }) => {
      requireArgs(cmd, refs, { min: 1 });
      await forEachContainer(ctx, refs, async (ref) => {
        await ctx.client.containers.remove(ref, { force: opts.force, v: opts.volumes });
        return ref;
      });
    },
  );
  return cmd;
}
