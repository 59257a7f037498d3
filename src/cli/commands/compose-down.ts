// berth compose down: stop and remove the project's containers and networks; -v its named volumes too.
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { composeExit, progressOn, project, warnOn } from '../compose-project.js';
import { down } from '../../compose/down.js';

interface Options {
  volumes?: boolean;
  removeOrphans?: boolean;
  timeout?: string;
  rmi?: 'local' | 'all';
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Stop and remove containers, networks')
    .option(
      '-v, --volumes',
      'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers',
    )
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .option('-t, --timeout <int>', 'Specify a shutdown timeout in seconds')
    .option('--rmi <string>', 'Remove images used by services ("local"|"all")') as DockerCommand;
  cmd.action(async (opts: Options) => {
    if (opts.rmi !== undefined && opts.rmi !== 'local' && opts.rmi !== 'all')
      throw new CliExit(1, `invalid value for --rmi: ${opts.rmi}`);
    const p = project(ctx, cmd);
    try {
      await down(ctx.client, p, {
        progress: progressOn(ctx),
        warn: warnOn(ctx),
        ...(opts.volumes ? { volumes: true } : {}),
        ...(opts.removeOrphans ? { removeOrphans: true } : {}),
        ...(opts.rmi ? { rmi: opts.rmi } : {}),
        ...(opts.timeout !== undefined ? { timeout: Number(opts.timeout) } : {}),
      });
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
