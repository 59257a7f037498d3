// berth load: send an image tar (file or stdin) to POST /images/load and show the daemon's progress.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { jsonMessages, messageText } from '../../client/json-messages.js';
import { readText } from '../../client/engine-client.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';

/** Opens the input file, failing before any request is made when it cannot be read. */
export async function openInput(path: string): Promise<Readable> {
  const stream = createReadStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err: NodeJS.ErrnoException) =>
      reject(new CliExit(1, `open ${path}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`)),
    );
  });
  return stream;
}

/** Prints a progress stream as docker's jsonmessage display does (or copies a non-JSON body). */
export async function showProgress(ctx: CliContext, res: import('node:http').IncomingMessage): Promise<void> {
  if (!String(res.headers['content-type'] ?? '').includes('json')) {
    ctx.out(await readText(res));
    return;
  }
  const terminal = ctx.stdout.isTTY === true;
  for await (const msg of jsonMessages(res)) ctx.out(messageText(msg, terminal));
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Load an image from a tar archive or STDIN')
    .argument('[args...]')
    .option('-i, --input <string>', 'Read from tar archive file, instead of STDIN')
    .option('-q, --quiet', 'Suppress the load output') as DockerCommand;
  cmd.action(async (args: string[], opts: { input?: string; quiet?: boolean }) => {
    requireArgs(cmd, args, { max: 0 });
    let body: Readable;
    if (opts.input) body = await openInput(opts.input);
    else {
      if (ctx.stdin.isTTY) throw new CliExit(1, 'requested load from stdin, but stdin is empty');
      body = ctx.stdin;
    }
    const quiet = opts.quiet === true || !ctx.stdout.isTTY;
    const res = await ctx.client.images.load(body, { quiet: quiet ? true : undefined });
    await showProgress(ctx, res);
  });
  return cmd;
}
