// berth network prune: removes unused custom networks after docker's confirmation.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { filtersQuery, parseFilters } from '../filters.js';
import { confirm } from '../prompt.js';
import { apiErrors } from './network-errors.js';

const WARN =
  'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Remove all unused networks')
    .argument('[args...]')
    .option('-f, --force', 'Do not prompt for confirmation') as DockerCommand;
  cmd.repeatable('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")');
  cmd.action(async (args: string[], o: { force?: boolean; filter?: string[] }) => {
    requireArgs(cmd, args, { max: 0 });
    if (!o.force && !(await confirm(ctx, WARN))) return;
    const report = await apiErrors(() => ctx.client.networks.prune({ filters: filtersQuery(parseFilters(o.filter)) }));
    const deleted = report.NetworksDeleted ?? [];
    if (deleted.length) ctx.out(`Deleted Networks:\n${deleted.map((n) => `${n}\n`).join('')}\n`);
  });
  return cmd;
}
