// berth images / berth image ls: list images as docker's classic table, -q, --digests, --no-trunc, --format.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { filtersQuery, parseFilters } from '../filters.js';
import { renderList } from '../format/list.js';
import { IMAGE_HEADERS, imageRows } from '../format/image-rows.js';

interface Options {
  all?: boolean;
  digests?: boolean;
  filter?: string[];
  format?: string;
  trunc?: boolean;
  quiet?: boolean;
}

const TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
const TABLE_DIGESTS = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [REPOSITORY[:TAG]]')
    .description('List images')
    .argument('[args...]')
    .option('-a, --all', 'Show all images (default hides intermediate images)')
    .option('--digests', 'Show digests')
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs') as DockerCommand;
  cmd.repeatable('-f, --filter <filter>', 'Filter output based on conditions provided');
  cmd.action(async (args: string[], opts: Options) => {
    requireArgs(cmd, args, { max: 1 });
    const filters = parseFilters(opts.filter, args[0] ? { reference: { [args[0]]: true } } : {});
    const images = await ctx.client.images.list({ all: opts.all ? true : undefined, filters: filtersQuery(filters) });
    const truncate = opts.trunc !== false;
    // -q is the {{.ID}} format: one line per row, as docker prints it (repeated for each tag).
    const table = !opts.format || opts.format === 'table';
    const format = table ? (opts.quiet ? '{{.ID}}' : opts.digests ? TABLE_DIGESTS : TABLE) : (opts.format as string);
    const rows = imageRows(images, { truncate, digests: opts.digests === true || format.includes('.Digest') });
    ctx.out(renderList({ format, rows, headers: IMAGE_HEADERS, typeName: '*formatter.imageContext' }));
  });
  return cmd;
}
