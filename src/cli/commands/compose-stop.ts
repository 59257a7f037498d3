// berth compose stop: stop the project's running containers (dependents first).
import type { DockerCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { composeExit, progressOn, project } from '../compose-project.js';
import { stopProject } from '../../compose/lifecycle.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVICE...]')
    .description('Stop services')
    .argument('[services...]')
    .option('-t, --timeout <int>', 'Specify a shutdown timeout in seconds') as DockerCommand;
  cmd.action(async (services: string[], opts: { timeout?: string }) => {
    const p = project(ctx, cmd);
    try {
      await stopProject(ctx.client, p, {
        services,
        progress: progressOn(ctx),
        ...(opts.timeout !== undefined ? { timeout: Number(opts.timeout) } : {}),
      });
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
