// berth top CONTAINER [ps OPTIONS]: the container's processes as the host's ps shows them, docker's table.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { tabwrite } from '../format/tabwriter.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('CONTAINER [ps OPTIONS]')
    .description('Display the running processes of a container')
    .argument('[args...]') as DockerCommand;
  cmd.passThroughOptions().allowUnknownOption();
  cmd.action(async (args: string[]) => {
    requireArgs(cmd, args, { min: 1 });
    const [ref = '', ...psArgs] = args;
    const top = await ctx.client.containers.top(ref, { ps_args: psArgs.length ? psArgs.join(' ') : undefined });
    const lines = [(top.Titles ?? []).join('\t'), ...(top.Processes ?? []).map((p) => p.join('\t'))];
    ctx.out(tabwrite(`${lines.join('\n')}\n`, { minWidth: 20, padding: 3 }));
  });
  return cmd;
}
