// berth compose config: the normalised model as YAML (interpolated, merged, defaults filled in); --services and
// --volumes list names only; -q only validates.
import { stringify } from 'yaml';
import type { DockerCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { project } from '../compose-project.js';
import { renderModel } from '../../compose/render-model.js';

interface Options {
  services?: boolean;
  volumes?: boolean;
  quiet?: boolean;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVICE...]')
    .description('Parse, resolve and render compose file in canonical format')
    .argument('[services...]')
    .option('--services', 'Print the service names, one per line')
    .option('--volumes', 'Print the volume names, one per line')
    .option('-q, --quiet', "Only validate the configuration, don't print anything") as DockerCommand;
  cmd.action((services: string[], opts: Options) => {
    const p = project(ctx, cmd);
    if (opts.quiet) return;
    if (opts.services)
      return ctx.out(
        Object.keys(p.services)
          .map((s) => `${s}\n`)
          .join(''),
      );
    if (opts.volumes)
      return ctx.out(
        Object.keys(p.volumes)
          .map((v) => `${v}\n`)
          .join(''),
      );
    ctx.out(stringify(renderModel(p, services), { lineWidth: 0, aliasDuplicateObjects: false }));
  });
  return cmd;
}
