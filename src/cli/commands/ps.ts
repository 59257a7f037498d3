// berth ps / container ls: list containers as docker's table, -a, -q, -n, -l, -s, --filter, --format, --no-trunc.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { filtersQuery, parseFilters } from '../filters.js';
import { contextRow, renderList } from '../format/list.js';
import { createdSince, humanSize } from '../format/units.js';
import type { ContainerSummary } from '../../client/engine-types.js';

type Summary = ContainerSummary;

interface Options {
  all?: boolean;
  quiet?: boolean;
  last?: string;
  latest?: boolean;
  size?: boolean;
  format?: string;
  trunc?: boolean;
  filter?: string[];
}

const HEADERS = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Status: 'STATUS',
  Ports: 'PORTS',
  Names: 'NAMES',
  Size: 'SIZE',
  Labels: 'LABELS',
  State: 'STATE',
  Mounts: 'MOUNTS',
  Networks: 'NETWORKS',
};
const TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

const ellipsis = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function row(c: Summary, truncate: boolean): Record<string, unknown> {
  const command = truncate ? ellipsis(c.Command ?? '', 20) : c.Command;
  return contextRow({
    ID: truncate ? (c.Id ?? '').slice(0, 12) : c.Id,
    Image: c.Image,
    Command: `"${command}"`,
    CreatedAt: new Date((c.Created ?? 0) * 1000)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' +0000 UTC'),
    RunningFor: createdSince(c.Created ?? 0),
    Status: c.Status,
    State: c.State,
    Ports: (c.Ports ?? [])
      .map((p) =>
        p.PublicPort
          ? `${p.IP ?? '0.0.0.0'}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`
          : `${p.PrivatePort}/${p.Type}`,
      )
      .join(', '),
    Names: (c.Names ?? []).map((n) => n.replace(/^\//, '')).join(','),
    Size: c.SizeRw !== undefined ? `${humanSize(c.SizeRw)} (virtual ${humanSize(c.SizeRootFs ?? 0)})` : '0B',
    Labels: Object.entries(c.Labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    Mounts: (c.Mounts ?? []).map((m) => m.Name ?? m.Source).join(','),
    Networks: c.HostConfig?.NetworkMode ?? '',
  });
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('List containers')
    .argument('[args...]')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('-q, --quiet', 'Only display container IDs')
    .option('-n, --last <int>', 'Show n last created containers (includes all states)')
    .option('-l, --latest', 'Show the latest created container (includes all states)')
    .option('-s, --size', 'Display total file sizes')
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', "Don't truncate output") as DockerCommand;
  cmd.repeatable('-f, --filter <filter>', 'Filter output based on conditions provided');
  cmd.action(async (args: string[], opts: Options) => {
    requireArgs(cmd, args, { max: 0 });
    const limit = opts.latest ? 1 : opts.last !== undefined ? Number(opts.last) : undefined;
    const containers = await ctx.client.containers.list({
      all: opts.all ? true : undefined,
      limit,
      size: opts.size ? true : undefined,
      filters: filtersQuery(parseFilters(opts.filter, {})),
    });
    const table = !opts.format || opts.format === 'table';
    const format = table
      ? opts.quiet
        ? '{{.ID}}'
        : opts.size
          ? `${TABLE}\t{{.Size}}`
          : TABLE
      : (opts.format as string);
    ctx.out(
      renderList({
        format,
        rows: containers.map((c) => row(c, opts.trunc !== false)),
        headers: HEADERS,
        typeName: '*formatter.ContainerContext',
      }),
    );
  });
  return cmd;
}
