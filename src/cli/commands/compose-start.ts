// berth compose start: start the project's existing containers (dependencies first, waiting for their conditions).
import type { DockerCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { composeExit, progressOn, project } from '../compose-project.js';
import { startProject } from '../../compose/lifecycle.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[SERVICE...]')
    .description('Start services')
    .argument('[services...]') as DockerCommand;
  cmd.action(async (services: string[]) => {
    const p = project(ctx, cmd);
    try {
      await startProject(ctx.client, p, { services, progress: progressOn(ctx) });
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
