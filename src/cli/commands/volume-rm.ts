// berth volume rm: removes each volume, printing its name; errors at the end (exit 1).
import { ApiError } from '../../client/engine-client.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] VOLUME [VOLUME...]')
    .description('Remove one or more volumes')
    .argument('[volumes...]')
    .option('-f, --force', 'Force the removal of one or more volumes') as DockerCommand;
  cmd.action(async (volumes: string[], opts: { force?: boolean }) => {
    requireArgs(cmd, volumes, { min: 1 });
    const errors: string[] = [];
    for (const volume of volumes) {
      try {
        await ctx.client.volumes.remove(volume, { force: opts.force ? true : undefined });
        ctx.out(`${volume}\n`);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        errors.push(`Error response from daemon: ${err.message}`);
      }
    }
    if (errors.length) throw new CliExit(1, errors.join('\n'));
  });
  return cmd;
}
