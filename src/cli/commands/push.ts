// berth push: POST /images/{name}/push?tag with the stored credentials, progress as docker shows it.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { parseUserReference } from '../reference.js';
import { registryAuthHeader } from '../credentials.js';
import { displayProgress } from '../progress-display.js';
import { domainOfName } from './pull.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] NAME[:TAG]')
    .description('Upload an image to a registry')
    .argument('[args...]')
    .option('-a, --all-tags', 'Push all tags of an image to the repository')
    .option('--disable-content-trust', 'Skip image signing (default true)')
    .option('--platform <string>', 'Push a platform-specific manifest as a single-platform image to the registry.')
    .option('-q, --quiet', 'Suppress verbose output') as DockerCommand;
  cmd.action(async (args: string[], opts: { allTags?: boolean; quiet?: boolean }) => {
    requireArgs(cmd, args, { exact: 1 });
    const image = args[0] as string;
    const ref = parseUserReference(image);
    if (opts.allTags && (ref.tag || ref.digest)) throw new CliExit(1, "tag can't be used with --all-tags/-a");
    if (ref.digest) throw new CliExit(1, 'cannot push a digest reference');
    let tag = ref.tag;
    if (!opts.allTags && !tag) {
      if (!opts.quiet) ctx.out('Using default tag: latest\n');
      tag = 'latest';
    }
    const res = await ctx.client.images.push(
      ref.name,
      { tag: tag ?? '' },
      await registryAuthHeader(domainOfName(ref.name), process.env),
    );
    const sink = opts.quiet ? undefined : ctx.stdout;
    if (sink) await displayProgress(res, sink, { terminal: sink.isTTY === true });
    else await displayProgress(res, devNull(), { terminal: false });
    if (opts.quiet) ctx.out(`${ref.name}${tag ? `:${tag}` : ''}\n`);
  });
  return cmd;
}

/** A stream that swallows output (quiet mode still reads the stream for its errors). */
function devNull(): NodeJS.WriteStream {
  return { write: () => true, isTTY: false, columns: 0 } as unknown as NodeJS.WriteStream;
}
