// berth export CONTAINER: the container's filesystem as a tar, to -o FILE or to stdout (never a terminal).
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] CONTAINER')
    .description("Export a container's filesystem as a tar archive")
    .argument('[args...]')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT') as DockerCommand;
  cmd.action(async (args: string[], opts: { output?: string }) => {
    requireArgs(cmd, args, { exact: 1 });
    if (!opts.output && ctx.stdout.isTTY)
      throw new CliExit(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    const res = await ctx.client.containers.export(args[0] ?? '');
    if (opts.output) await pipeline(res, createWriteStream(opts.output, { mode: 0o644 }));
    else await pipeline(res, ctx.stdout, { end: false });
  });
  return cmd;
}
