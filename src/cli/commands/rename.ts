// berth rename CONTAINER NEW_NAME.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('CONTAINER NEW_NAME')
    .description('Rename a container')
    .argument('[args...]') as DockerCommand;
  cmd.action(async (args: string[]) => {
    requireArgs(cmd, args, { exact: 2 });
    await ctx.client.containers.rename(args[0] ?? '', args[1] ?? '');
  });
  return cmd;
}
