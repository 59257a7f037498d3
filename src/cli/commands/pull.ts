// berth pull: POST /images/create?fromImage&tag with the stored credentials, progress as docker shows it.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { parseUserReference } from '../reference.js';
import { registryAuthHeader } from '../credentials.js';
import { displayProgress } from '../progress-display.js';
import { jsonMessages } from '../../client/json-messages.js';

/** The image as typed, with `:latest` added when it has neither tag nor digest (docker's "Unable to find image 'x:latest'"). */
export function withDefaultTag(image: string): string {
  const ref = parseUserReference(image);
  return ref.tag || ref.digest ? image : `${image}:latest`;
}

export const domainOfName = (name: string): string => name.slice(0, name.indexOf('/'));

/** Pulls `image` (a tag or digest is added by the caller), printing docker's progress unless quiet. */
export async function pullWithProgress(
  ctx: CliContext,
  image: string,
  options: { platform?: string; quiet?: boolean; allTags?: boolean; out?: NodeJS.WriteStream },
): Promise<void> {
  const ref = parseUserReference(image);
  const tag = options.allTags ? undefined : (ref.digest ?? ref.tag ?? 'latest');
  const res = await ctx.client.images.create(
    { fromImage: ref.name, tag, platform: options.platform },
    { auth: await registryAuthHeader(domainOfName(ref.name), process.env) },
  );
  const out = options.out ?? ctx.stdout;
  if (options.quiet) {
    for await (const msg of jsonMessages(res)) void msg;
    return;
  }
  await displayProgress(res, out, { terminal: out.isTTY === true });
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] NAME[:TAG|@DIGEST]')
    .description('Download an image from a registry')
    .argument('[args...]')
    .option('-a, --all-tags', 'Download all tagged images in the repository')
    .option('--disable-content-trust', 'Skip image verification (default true)')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .option('-q, --quiet', 'Suppress verbose output') as DockerCommand;
  cmd.action(async (args: string[], opts: { allTags?: boolean; platform?: string; quiet?: boolean }) => {
    requireArgs(cmd, args, { exact: 1 });
    const image = args[0] as string;
    const ref = parseUserReference(image);
    if (opts.allTags && (ref.tag || ref.digest)) throw new CliExit(1, "tag can't be used with --all-tags/-a");
    let target = image;
    if (!opts.allTags && !ref.tag && !ref.digest) {
      if (!opts.quiet) ctx.out('Using default tag: latest\n');
      target = `${image}:latest`;
    }
    await pullWithProgress(ctx, target, { platform: opts.platform, quiet: opts.quiet, allTags: opts.allTags });
    const full = parseUserReference(target);
    ctx.out(`${full.name}${opts.allTags ? '' : full.digest ? `@${full.digest}` : `:${full.tag ?? 'latest'}`}\n`);
  });
  return cmd;
}
