// berth import: make an image from a rootfs tar (file, URL or `-` for stdin), with -c changes.
import type { Readable } from 'node:stream';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { parseUserReference } from '../reference.js';
import { openInput, showProgress } from './load.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] file|URL|- [REPOSITORY[:TAG]]')
    .description('Import the contents from a tarball to create a filesystem image')
    .argument('[args...]')
    .option('-m, --message <string>', 'Set commit message for imported image')
    .option('--platform <string>', 'Set platform if server is multi-platform capable') as DockerCommand;
  cmd.repeatable('-c, --change <list>', 'Apply Dockerfile instruction to the created image');
  cmd.action(async (args: string[], opts: { change?: string[]; message?: string; platform?: string }) => {
    requireArgs(cmd, args, { min: 1, max: 2 });
    const [source = '', ref] = args;
    if (ref) parseUserReference(ref);
    let body: Readable | undefined;
    let fromSrc = source;
    if (source === '-') body = ctx.stdin;
    else if (!/^(https?:\/\/)/.test(source)) {
      body = await openInput(source);
      fromSrc = '-';
    }
    const res = await ctx.client.images.create(
      { fromSrc, repo: ref, message: opts.message, changes: opts.change, platform: opts.platform },
      { upload: body, contentType: 'application/x-tar' },
    );
    await showProgress(ctx, res);
  });
  return cmd;
}
