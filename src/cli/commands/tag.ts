// berth tag SOURCE TARGET: POST /images/{source}/tag with the target's repository and tag.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { parseUserReference } from '../reference.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]')
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .argument('[args...]') as DockerCommand;
  cmd.action(async (args: string[]) => {
    requireArgs(cmd, args, { exact: 2 });
    const [source = '', target = ''] = args;
    if (!/^(sha256:)?[0-9a-f]{64}$/.test(source)) parseUserReference(source);
    const ref = parseUserReference(target);
    if (ref.digest) throw new CliExit(1, 'refusing to create a tag with a digest reference');
    await ctx.client.images.tag(source, { repo: ref.name, tag: ref.tag ?? 'latest' });
  });
  return cmd;
}
