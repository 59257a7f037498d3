// berth rmi / berth image rm: untag and delete images; prints what the daemon did, errors at the end.
import { ApiError } from '../../client/engine-client.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .description('Remove one or more images')
    .argument('[images...]')
    .option('-f, --force', 'Force removal of the image')
    .option('--no-prune', 'Do not delete untagged parents') as DockerCommand;
  cmd.action(async (images: string[], opts: { force?: boolean; prune?: boolean }) => {
    requireArgs(cmd, images, { min: 1 });
    const errors: string[] = [];
    for (const image of images) {
      try {
        const items = await ctx.client.images.remove(image, {
          force: opts.force ? true : undefined,
          noprune: opts.prune === false ? true : undefined,
        });
        ctx.out(
          (items ?? []).map((i) => (i.Deleted ? `Deleted: ${i.Deleted}\n` : `Untagged: ${i.Untagged}\n`)).join(''),
        );
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        errors.push(`Error response from daemon: ${err.message}`);
      }
    }
    if (errors.length) throw new CliExit(1, errors.join('\n'));
  });
  return cmd;
}
