// berth network rm: removes each network, printing the name given; errors at the end, status 1.
import { ApiError } from '../../client/engine-client.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('NETWORK [NETWORK...]')
    .description('Remove one or more networks')
    .argument('[names...]')
    .option('-f, --force', 'Do not error if the network does not exist') as DockerCommand;
  cmd.action(async (names: string[], o: { force?: boolean }) => {
    requireArgs(cmd, names, { min: 1 });
    const errors: string[] = [];
    for (const n of names) {
      try {
        await ctx.client.networks.remove(n);
        ctx.out(`${n}\n`);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (o.force && err.status === 404) continue;
        errors.push(`Error response from daemon: ${err.message}`);
      }
    }
    if (errors.length) throw new CliExit(1, errors.join('\n'));
  });
  return cmd;
}
