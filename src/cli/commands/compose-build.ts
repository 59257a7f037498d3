// berth compose build: build (or rebuild) the images of the services that have a `build` section, through the
// Engine API's /build; the builder's output on stdout.
import type { DockerCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { buildkitOn, composeExit, progressOn, project } from '../compose-project.js';
import { buildService } from '../../compose/images.js';
import { ComposeError } from '../../compose/errors.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVICE...]')
    .description('Build or rebuild services')
    .argument('[services...]')
    .option('--no-cache', 'Do not use cache when building the image')
    .option('-q, --quiet', "Don't print anything to STDOUT") as DockerCommand;
  cmd.action(async (services: string[], opts: { cache?: boolean; quiet?: boolean }) => {
    const p = project(ctx, cmd);
    try {
      for (const s of services) if (!p.services[s]) throw new ComposeError(`no such service: ${s}`);
      for (const service of Object.values(p.services)) {
        if (!service.build || (services.length > 0 && !services.includes(service.name))) continue;
        await buildService(ctx.client, service, {
          progress: progressOn(ctx),
          output: opts.quiet ? () => {} : (text) => ctx.out(text),
          showBuildkit: buildkitOn(ctx, opts.quiet),
          ...(opts.cache === false ? { noCache: true } : {}),
        });
      }
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
