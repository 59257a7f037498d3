// berth save: GET /images/get as a tar to -o FILE (written atomically) or to stdout, never to a terminal.
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .argument('[images...]')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT') as DockerCommand;
  cmd.action(async (images: string[], opts: { output?: string }) => {
    requireArgs(cmd, images, { min: 1 });
    if (!opts.output && ctx.stdout.isTTY)
      throw new CliExit(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    if (opts.output) await checkOutputDir(dirname(opts.output));
    const res = await ctx.client.images.save(images);
    if (!opts.output) {
      await pipeline(res, ctx.stdout, { end: false });
      return;
    }
    // Like docker: write beside the target, rename over it only once the whole tar arrived.
    const temp = join(dirname(opts.output), `.${basename(opts.output)}.berth-${process.pid}.tmp`);
    try {
      await pipeline(res, createWriteStream(temp, { mode: 0o644 }));
      await rename(temp, opts.output);
    } catch (err) {
      await rm(temp, { force: true });
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT' || e.code === 'EACCES')
        throw new CliExit(1, `failed to save image: invalid output path: ${e.message}`);
      throw err;
    }
  });
  return cmd;
}

/** docker checks the output's directory before asking the daemon for anything. */
async function checkOutputDir(dir: string): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory())
      throw new CliExit(1, `failed to save image: invalid output path: "${dir}" must be a directory`);
  } catch (err) {
    if (err instanceof CliExit) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliExit(
      1,
      `failed to save image: invalid output path: stat ${dir}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
    );
  }
}
