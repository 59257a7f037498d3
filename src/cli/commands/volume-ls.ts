// berth volume ls: docker's table (DRIVER, VOLUME NAME), -q, --filter, --format.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { filtersQuery, parseFilters } from '../filters.js';
import { contextRow, renderList } from '../format/list.js';
import { naturalCompare } from '../format/natural-order.js';

const HEADERS = {
  Name: 'VOLUME NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
  Group: 'GROUP',
  Availability: 'AVAILABILITY',
  Status: 'STATUS',
};
const TABLE = 'table {{.Driver}}\t{{.Name}}';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('List volumes')
    .argument('[args...]')
    .option('-q, --quiet', 'Only display volume names')
    .option('--format <string>', 'Format output using a custom template') as DockerCommand;
  cmd.repeatable('-f, --filter <filter>', "Provide filter values (e.g. 'dangling=true')");
  cmd.action(async (args: string[], opts: { quiet?: boolean; format?: string; filter?: string[] }) => {
    requireArgs(cmd, args, { max: 0 });
    const res = await ctx.client.volumes.list({ filters: filtersQuery(parseFilters(opts.filter)) });
    const volumes = [...(res.Volumes ?? [])].sort((a, b) => naturalCompare(a.Name, b.Name));
    const table = !opts.format || opts.format === 'table';
    const format = opts.quiet ? '{{.Name}}' : table ? TABLE : (opts.format as string);
    const rows = volumes.map((v) =>
      contextRow({
        Name: v.Name,
        Driver: v.Driver,
        Scope: v.Scope,
        Mountpoint: v.Mountpoint,
        Labels: Object.entries(v.Labels ?? {})
          .map(([k, val]) => `${k}=${val}`)
          .join(','),
        Links: 'N/A',
        Size: 'N/A',
        Group: 'N/A',
        Availability: 'N/A',
        Status: 'N/A',
      }),
    );
    ctx.out(renderList({ format, rows, headers: HEADERS, typeName: '*formatter.volumeContext' }));
  });
  return cmd;
}
