// berth compose cp: copy between a service's container (`--index`, default 1) and the local filesystem, as
// `berth cp` does for a container.
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { composeExit, project } from '../compose-project.js';
import { serviceContainer } from '../compose-service-container.js';
import { copyFromContainer, copyToContainer } from './cp.js';

/** `SERVICE:PATH` or a local path (anything with a `/` before the first `:` is local, as docker cp reads it). */
function split(arg: string): { service?: string; path: string } {
  const colon = arg.indexOf(':');
  if (colon <= 0 || arg.slice(0, colon).includes('/')) return { path: arg };
  return { service: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] SERVICE:SRC_PATH DEST_PATH|-\n\tberth compose cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH')
    .description('Copy files/folders between a service container and the local filesystem')
    .argument('[args...]')
    .option('--index <int>', 'Index of the container if service has multiple replicas', '1')
    .option('-a, --archive', 'Archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'Always follow symbol link in SRC_PATH') as DockerCommand;
  cmd.action(async (args: string[], opts: { index: string; archive?: boolean; followLink?: boolean }) => {
    if (args.length !== 2) throw new CliExit(1, 'requires exactly 2 arg(s)');
    const src = split(args[0] as string);
    const dst = split(args[1] as string);
    if (src.service && dst.service) throw new CliExit(1, 'copying between services is not supported');
    if (!src.service && !dst.service) throw new CliExit(1, 'must specify at least one container source');
    const p = project(ctx, cmd);
    try {
      const c = await serviceContainer(ctx.client, p, (src.service ?? dst.service) as string, Number(opts.index));
      if (src.service) await copyFromContainer(ctx, c.id, src.path, dst.path, opts.followLink ?? false);
      else await copyToContainer(ctx, src.path, c.id, dst.path, opts.followLink ?? false, opts.archive ?? false);
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
