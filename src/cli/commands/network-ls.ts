// berth network ls: docker's table (sorted by name), -q, --no-trunc, --format, --filter.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { filtersQuery, parseFilters } from '../filters.js';
import { contextRow, renderList } from '../format/list.js';
import { apiErrors } from './network-errors.js';

const HEADERS = {
  ID: 'NETWORK ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  IPv6: 'IPV6',
  Internal: 'INTERNAL',
  Labels: 'LABELS',
  CreatedAt: 'CREATED AT',
};
const TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('List networks')
    .argument('[args...]')
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', 'Do not truncate the output')
    .option('-q, --quiet', 'Only display network IDs') as DockerCommand;
  cmd.repeatable('-f, --filter <filter>', 'Provide filter values (e.g. "driver=bridge")');
  cmd.action(async (args: string[], o: { format?: string; trunc?: boolean; quiet?: boolean; filter?: string[] }) => {
    requireArgs(cmd, args, { max: 0 });
    const list = await apiErrors(() => ctx.client.networks.list({ filters: filtersQuery(parseFilters(o.filter)) }));
    list.sort((a, b) => ((a.Name ?? '') < (b.Name ?? '') ? -1 : (a.Name ?? '') > (b.Name ?? '') ? 1 : 0));
    const rows = list.map((n) =>
      contextRow({
        ID: o.trunc === false ? n.Id : (n.Id ?? '').slice(0, 12),
        Name: n.Name,
        Driver: n.Driver,
        Scope: n.Scope,
        IPv6: String(n.EnableIPv6),
        Internal: String(n.Internal),
        Labels: Object.entries(n.Labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
        CreatedAt: n.Created,
      }),
    );
    const table = !o.format || o.format === 'table';
    const format = o.quiet ? '{{.ID}}' : table ? TABLE : (o.format as string);
    ctx.out(renderList({ format, rows, headers: HEADERS, typeName: '*formatter.networkContext' }));
  });
  return cmd;
}
