// berth compose rm: remove the project's stopped containers; asks first unless -f; -s stops them first, -v removes
// their anonymous volumes.
import type { DockerCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { composeExit, progressOn, project } from '../compose-project.js';
import { confirm } from '../prompt.js';
import { removeStopped } from '../../compose/lifecycle.js';

interface Options {
  force?: boolean;
  stop?: boolean;
  volumes?: boolean;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVICE...]')
    .description('Removes stopped service containers')
    .argument('[services...]')
    .option('-f, --force', "Don't ask to confirm removal")
    .option('-s, --stop', 'Stop the containers, if required, before removing')
    .option('-v, --volumes', 'Remove any anonymous volumes attached to containers') as DockerCommand;
  cmd.action(async (services: string[], opts: Options) => {
    const p = project(ctx, cmd);
    try {
      await removeStopped(ctx.client, p, {
        services,
        progress: progressOn(ctx),
        ...(opts.stop ? { stop: true } : {}),
        ...(opts.volumes ? { volumes: true } : {}),
        ...(opts.force
          ? {}
          : { confirm: (names: string[]) => confirm(ctx, `Going to remove ${names.join(', ')}\n? Are you sure?`) }),
      });
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
