// berth create: create a container without starting it; prints its ID.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { addCreateFlags, createContainer, type RunFlags } from './run.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = addCreateFlags(
    parent
      .command(name)
      .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
      .description('Create a new container')
      .argument('[args...]')
      .passThroughOptions() as DockerCommand,
  );
  cmd.action(async (args: string[], flags: RunFlags) => {
    requireArgs(cmd, args, { min: 1 });
    const [image = '', ...command] = args;
    ctx.out(`${await createContainer(ctx, image, command, flags)}\n`);
  });
  return cmd;
}
