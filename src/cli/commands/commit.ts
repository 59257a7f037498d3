// berth commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]: a new image from the container's changes; prints its ID.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** `name[:tag]` split as docker's reference parser does (a colon after the last slash starts the tag). */
function splitReference(ref: string): { repo: string; tag: string | undefined } {
  if (ref.includes('@')) throw new CliExit(1, 'refusing to create a tag with a digest reference');
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: undefined };
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] CONTAINER [REPOSITORY[:TAG]]')
    .description("Create a new image from a container's changes")
    .argument('[args...]')
    .option('-a, --author <string>', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
    .option('-c, --change <list>', 'Apply Dockerfile instruction to the created image', collect, [])
    .option('-m, --message <string>', 'Commit message')
    .option('-p, --pause', 'Pause container during commit', true)
    .option('--no-pause', 'Do not pause the container during commit') as DockerCommand;
  cmd.action(async (args: string[], opts: { author?: string; change: string[]; message?: string; pause: boolean }) => {
    requireArgs(cmd, args, { min: 1, max: 2 });
    const ref = args[1] ? splitReference(args[1]) : undefined;
    const res = await ctx.client.containers.commit({
      container: args[0],
      repo: ref?.repo,
      tag: ref?.tag,
      comment: opts.message,
      author: opts.author,
      changes: opts.change,
      pause: opts.pause,
    });
    ctx.out(`${res.Id}\n`);
  });
  return cmd;
}
