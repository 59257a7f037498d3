// berth rootless check: names every prerequisite of a rootless berthd this user lacks and what fixes it;
// exit status 1 when berthd would refuse to start. The check itself is berthd's (handed in by bin/berth).
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('')
    .description('Check the prerequisites of a rootless berthd for the current user') as DockerCommand;
  cmd.action(async () => {
    const load = ctx.servers.rootlessCheck;
    if (!load) throw new CliExit(1, 'this berth was built without the rootless check');
    const { rootlessCheck } = await load();
    const { ok, report } = await rootlessCheck(process.env);
    ctx.out(report);
    if (!ok) throw new CliExit(1);
  });
  return cmd;
}
