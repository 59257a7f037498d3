// berth logout: forgets the credentials kept for a registry (config.json or its credential helper).
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { eraseCredentials, INDEX_SERVER, normaliseServer } from '../credentials.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[SERVER]')
    .description('Log out from a registry.\nIf no server is specified, the default is defined by the daemon.')
    .argument('[args...]') as DockerCommand;
  cmd.action(async (args: string[]) => {
    requireArgs(cmd, args, { max: 1 });
    const server = args[0] ? normaliseServer(args[0]) : INDEX_SERVER;
    const shown = args[0] ? server : INDEX_SERVER;
    if (!(await eraseCredentials(server))) {
      ctx.out(`Not logged in to ${shown}\n`);
      return;
    }
    ctx.out(`Removing login credentials for ${shown}\n`);
  });
  return cmd;
}
