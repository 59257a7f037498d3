// berth diff CONTAINER: the container's changes over its image, `C`/`A`/`D` and the path, as docker prints.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';

const KINDS = ['C', 'A', 'D'];

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('CONTAINER')
    .description("Inspect changes to files or directories on a container's filesystem")
    .argument('[args...]') as DockerCommand;
  cmd.action(async (args: string[]) => {
    requireArgs(cmd, args, { exact: 1 });
    const changes = await ctx.client.containers.changes(args[0] ?? '');
    ctx.out((changes ?? []).map((c) => `${KINDS[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
  });
  return cmd;
}
