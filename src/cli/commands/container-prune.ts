// berth container prune: remove all stopped containers after docker's confirmation.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { filtersQuery, parseFilters } from '../filters.js';
import { humanSize } from '../format/units.js';
import { confirm } from '../prompt.js';

const WARN = 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Remove all stopped containers')
    .argument('[args...]')
    .option('-f, --force', 'Do not prompt for confirmation') as DockerCommand;
  cmd.repeatable('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")');
  cmd.action(async (args: string[], opts: { force?: boolean; filter?: string[] }) => {
    requireArgs(cmd, args, { max: 0 });
    if (!opts.force && !(await confirm(ctx, WARN))) return;
    const report = await ctx.client.containers.prune({ filters: filtersQuery(parseFilters(opts.filter)) });
    const deleted = report.ContainersDeleted ?? [];
    const list = deleted.length ? `Deleted Containers:\n${deleted.map((id) => `${id}\n`).join('')}\n` : '';
    ctx.out(`${list}Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}\n`);
  });
  return cmd;
}
