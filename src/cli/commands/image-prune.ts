// berth image prune: remove dangling (or, with -a, all unused) images after docker's confirmation.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { filtersQuery, parseFilters } from '../filters.js';
import { humanSize } from '../format/units.js';
import { confirm } from '../prompt.js';

const WARN_DANGLING = 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?';
const WARN_ALL =
  'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Remove unused images')
    .argument('[args...]')
    .option('-a, --all', 'Remove all unused images, not just dangling ones')
    .option('-f, --force', 'Do not prompt for confirmation') as DockerCommand;
  cmd.repeatable('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")');
  cmd.action(async (args: string[], opts: { all?: boolean; force?: boolean; filter?: string[] }) => {
    requireArgs(cmd, args, { max: 0 });
    const filters = parseFilters(opts.filter);
    (filters.dangling ??= {})[String(!opts.all)] = true;
    // Declining ends quietly with status 0, as docker does.
    if (!opts.force && !(await confirm(ctx, opts.all ? WARN_ALL : WARN_DANGLING))) return;
    const report = await ctx.client.images.prune({ filters: filtersQuery(filters) });
    let out = '';
    const deleted = report.ImagesDeleted ?? [];
    if (deleted.length) {
      out += 'Deleted Images:\n';
      for (const item of deleted) out += item.Untagged ? `untagged: ${item.Untagged}\n` : `deleted: ${item.Deleted}\n`;
      out += '\n';
    }
    ctx.out(`${out}Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}\n`);
  });
  return cmd;
}
