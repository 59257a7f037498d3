// berth volume create: name (or a generated one), driver, --label and -o/--opt; prints the volume's name.
import { ApiError } from '../../client/engine-client.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';

const keyValues = (items: string[]): Record<string, string> =>
  Object.fromEntries(
    items.map((i) => (i.includes('=') ? [i.slice(0, i.indexOf('=')), i.slice(i.indexOf('=') + 1)] : [i, ''])),
  );

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [VOLUME]')
    .description('Create a volume')
    .argument('[args...]')
    .option('-d, --driver <string>', 'Specify volume driver name', 'local')
    .option('--name <string>', 'Specify volume name') as DockerCommand;
  cmd.repeatable('--label <list>', 'Set metadata for a volume');
  cmd.repeatable('-o, --opt <map>', 'Set driver specific options');
  cmd.action(async (args: string[], opts: { driver: string; name?: string; label?: string[]; opt?: string[] }) => {
    requireArgs(cmd, args, { max: 1 });
    if (args[0] && opts.name && args[0] !== opts.name)
      throw new CliExit(1, 'conflicting options: either specify --name or provide positional arg, not both');
    try {
      const v = await ctx.client.volumes.create({
        Name: args[0] ?? opts.name ?? '',
        Driver: opts.driver,
        DriverOpts: keyValues(opts.opt ?? []),
        Labels: keyValues(opts.label ?? []),
      });
      ctx.out(`${v.Name}\n`);
    } catch (err) {
      if (err instanceof ApiError) throw new CliExit(1, `Error response from daemon: ${err.message}`);
      throw err;
    }
  });
  return cmd;
}
