// berth logs: a container's output, -f, -t, --since, --until, -n/--tail; stdout and stderr kept apart.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { timeArg } from '../time-arg.js';
import { demultiplex } from '../../client/stream-frames.js';

interface Options {
  follow?: boolean;
  timestamps?: boolean;
  since?: string;
  until?: string;
  tail?: string;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] CONTAINER')
    .description('Fetch the logs of a container')
    .argument('[args...]')
    .option('-f, --follow', 'Follow log output')
    .option('-t, --timestamps', 'Show timestamps')
    .option('--since <string>', 'Show logs since timestamp or relative (e.g. 42m for 42 minutes)')
    .option('--until <string>', 'Show logs before a timestamp or relative')
    .option('-n, --tail <string>', 'Number of lines to show from the end of the logs', 'all') as DockerCommand;
  cmd.action(async (args: string[], opts: Options) => {
    requireArgs(cmd, args, { exact: 1 });
    const ref = args[0] ?? '';
    const inspect = await ctx.client.containers.inspect(ref);
    const res = await ctx.client.containers.logs(ref, {
      stdout: true,
      stderr: true,
      follow: opts.follow,
      timestamps: opts.timestamps,
      since: timeArg(opts.since),
      until: timeArg(opts.until),
      tail: opts.tail,
    });
    if (inspect.Config?.Tty) res.pipe(ctx.stdout);
    else await demultiplex(res, ctx.stdout, ctx.stderr);
  });
  return cmd;
}
