// berth history / berth image history: an image's layers, newest first, as docker's history table.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { contextRow, renderList } from '../format/list.js';
import { shortId } from '../format/image-rows.js';
import { goRfc3339 } from '../format/go-time.js';
import { createdSince, humanSize } from '../format/units.js';

interface Options {
  format?: string;
  human?: boolean;
  trunc?: boolean;
  quiet?: boolean;
}

const HEADERS = {
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
};

/** docker's formatter.Ellipsis: cut to `max` characters, the last one an ellipsis. */
export function ellipsis(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 0) return '';
  return `${chars.slice(0, max - 1).join('')}…`;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] IMAGE')
    .description('Show the history of an image')
    .argument('[args...]')
    .option('--format <string>', 'Format output using a custom template')
    .option('-H, --human', 'Print sizes and dates in human readable format', true)
    .option('--no-human', 'Print sizes and dates as raw values')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs') as DockerCommand;
  cmd.action(async (args: string[], opts: Options) => {
    requireArgs(cmd, args, { exact: 1 });
    const items = await ctx.client.images.history(args[0] as string);
    const trunc = opts.trunc !== false;
    const human = opts.human !== false;
    const now = Date.now();
    if (opts.quiet && (!opts.format || opts.format === 'table')) {
      ctx.out(items.map((h) => `${trunc ? shortId(h.Id) : h.Id}\n`).join(''));
      return;
    }
    const rows = items.map((h) => {
      const createdAt = goRfc3339(h.Created);
      const createdBy = h.CreatedBy.replaceAll('\t', ' ');
      return contextRow({
        Comment: h.Comment,
        CreatedAt: createdAt,
        CreatedBy: trunc ? ellipsis(createdBy, 45) : createdBy,
        CreatedSince: human ? createdSince(h.Created, now) : createdAt,
        ID: trunc ? shortId(h.Id) : h.Id,
        Size: human ? humanSize(h.Size, 3) : String(h.Size),
      });
    });
    const format =
      !opts.format || opts.format === 'table'
        ? `table {{.ID}}\t${human ? '{{.CreatedSince}}' : '{{.CreatedAt}}'}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}`
        : opts.format;
    ctx.out(renderList({ format, rows, headers: HEADERS, typeName: '*image.historyContext' }));
  });
  return cmd;
}
