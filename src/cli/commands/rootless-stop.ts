// berth rootless stop: ends the user's rootless berthd and its namespaces. Running containers are stopped first
// through the Engine API, as `docker stop` stops them (their stop signal, then SIGKILL after their timeout); then
// berthd gets SIGTERM and rootlesskit ends, taking the namespace holder and slirp4netns with it. The host side is
// berthd's (daemon/rootless/unit.ts, handed in by bin/berth).
import { EngineClient } from '../../client/engine-client.js';
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('')
    .description("Stop the current user's rootless berthd, its containers and rootlesskit") as DockerCommand;
  cmd.action(async () => {
    const load = ctx.servers.rootlessUnit;
    if (!load) throw new CliExit(1, 'this berth was built without rootless support');
    const { rootlessUnit, endRootlessUnit } = await load();
    const unit = rootlessUnit(process.env);
    if (unit.daemonPid === undefined && unit.holderPid === undefined) {
      ctx.out('no rootless berthd runs for this user\n');
      return;
    }
    if (unit.daemonPid !== undefined) {
      const client = new EngineClient(unit.socket);
      try {
        const running = await client.containers.list();
        await Promise.all(
          running.map(async ({ Id: id = '', Names: names = [] }) => {
            await client.containers.stop(id);
            ctx.out(`${(names[0] ?? id).replace(/^\//, '')}\n`);
          }),
        );
      } finally {
        client.close();
      }
    } else if (unit.containersRun) {
      throw new CliExit(
        1,
        'containers run in the rootless namespaces but no berthd does: start berthd (it adopts them), then run `berth rootless stop` again',
      );
    }
    try {
      await endRootlessUnit(process.env);
    } catch (err) {
      throw new CliExit(1, (err as Error).message);
    }
    ctx.out('rootless berthd stopped\n');
  });
  return cmd;
}
