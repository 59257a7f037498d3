// berth volume prune: unused anonymous volumes (all unused ones with -a), after docker's confirmation.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { filtersQuery, parseFilters } from '../filters.js';
import { humanSize } from '../format/units.js';
import { confirm } from '../prompt.js';

const WARN =
  'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?';
const WARN_ALL =
  'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Remove unused local volumes')
    .argument('[args...]')
    .option('-a, --all', 'Remove all unused volumes, not just anonymous ones')
    .option('-f, --force', 'Do not prompt for confirmation') as DockerCommand;
  cmd.repeatable('--filter <filter>', 'Provide filter values (e.g. "label=<label>")');
  cmd.action(async (args: string[], opts: { all?: boolean; force?: boolean; filter?: string[] }) => {
    requireArgs(cmd, args, { max: 0 });
    const filters = parseFilters(opts.filter);
    if (opts.all) (filters.all ??= {}).true = true;
    if (!opts.force && !(await confirm(ctx, opts.all ? WARN_ALL : WARN))) return;
    const report = await ctx.client.volumes.prune({ filters: filtersQuery(filters) });
    let out = '';
    const deleted = report.VolumesDeleted ?? [];
    if (deleted.length) out += `Deleted Volumes:\n${deleted.map((v) => `${v}\n`).join('')}\n`;
    ctx.out(`${out}Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}\n`);
  });
  return cmd;
}
