// berth compose logs: the output of the project's containers, each line prefixed with its container; -f, --tail, -t.
import type { DockerCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { project } from '../compose-project.js';
import { followLogs } from '../compose-log-stream.js';

interface Options {
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
  color?: boolean;
  logPrefix?: boolean;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVICE...]')
    .description('View output from containers')
    .argument('[services...]')
    .option('-f, --follow', 'Follow log output')
    .option('-n, --tail <string>', 'Number of lines to show from the end of the logs for each container', 'all')
    .option('-t, --timestamps', 'Show timestamps')
    .option('--no-color', 'Produce monochrome output')
    .option('--no-log-prefix', "Don't print prefix in logs") as DockerCommand;
  cmd.action(async (services: string[], opts: Options) => {
    const p = project(ctx, cmd);
    await followLogs(ctx, p, services, {
      color: opts.color !== false,
      prefix: opts.logPrefix !== false,
      ...(opts.follow ? { follow: true } : {}),
      ...(opts.tail ? { tail: opts.tail } : {}),
      ...(opts.timestamps ? { timestamps: true } : {}),
    });
  });
  return cmd;
}
