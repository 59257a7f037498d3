// berth compose ps: the project's containers as Compose v2 lists them (NAME IMAGE COMMAND SERVICE CREATED STATUS
// PORTS); -a all states, -q ids only, --services the service names.
import type { DockerCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { project } from '../compose-project.js';
import { tabwrite } from '../format/tabwriter.js';
import { createdSince } from '../format/units.js';
import { projectFilters } from '../../compose/labels.js';
import { LABEL } from '../../compose/labels.js';

interface Options {
  all?: boolean;
  quiet?: boolean;
  services?: boolean;
}

const ellipsis = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVICE...]')
    .description('List containers')
    .argument('[services...]')
    .option('-a, --all', 'Show all stopped containers (including those created by the run command)')
    .option('-q, --quiet', 'Only display IDs')
    .option('--services', 'Display services') as DockerCommand;
  cmd.action(async (services: string[], opts: Options) => {
    const p = project(ctx, cmd);
    const list = (
      await ctx.client.containers.list({
        all: opts.all ? true : undefined,
        filters: JSON.stringify(projectFilters(p.name)),
      })
    )
      .filter((c) => services.length === 0 || services.includes(c.Labels?.[LABEL.service] ?? ''))
      .map((c) => ({ c, name: (c.Names?.[0] ?? '').replace(/^\//, '') }))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (opts.quiet) return ctx.out(list.map(({ c }) => `${c.Id}\n`).join(''));
    if (opts.services)
      return ctx.out([...new Set(list.map(({ c }) => c.Labels?.[LABEL.service] ?? ''))].map((s) => `${s}\n`).join(''));
    const rows = list.map(({ c, name: n }) =>
      [
        n,
        c.Image ?? '',
        `"${ellipsis(c.Command ?? '', 20)}"`,
        c.Labels?.[LABEL.service] ?? '',
        createdSince(c.Created ?? 0),
        c.Status ?? '',
        (c.Ports ?? [])
          .map((port) =>
            port.PublicPort
              ? `${port.IP ?? '0.0.0.0'}:${port.PublicPort}->${port.PrivatePort}/${port.Type}`
              : `${port.PrivatePort}/${port.Type}`,
          )
          .join(', '),
      ].join('\t'),
    );
    ctx.out(tabwrite(['NAME\tIMAGE\tCOMMAND\tSERVICE\tCREATED\tSTATUS\tPORTS', ...rows].join('\n') + '\n'));
  });
  return cmd;
}
