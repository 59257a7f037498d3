// berth builder prune: drop the build cache after docker's confirmation.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { humanSize } from '../format/units.js';
import { confirm } from '../prompt.js';

const WARN = 'WARNING! This will remove all dangling build cache.\nAre you sure you want to continue?';
const WARN_ALL = 'WARNING! This will remove all build cache.\nAre you sure you want to continue?';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Remove build cache')
    .argument('[args...]')
    .option('-a, --all', 'Remove all unused build cache, not just dangling ones')
    .option('-f, --force', 'Do not prompt for confirmation') as DockerCommand;
  cmd.action(async (args: string[], opts: { all?: boolean; force?: boolean }) => {
    requireArgs(cmd, args, { max: 0 });
    if (!opts.force && !(await confirm(ctx, opts.all ? WARN_ALL : WARN))) return;
    const report = await ctx.client.images.buildPrune({ all: opts.all ? true : undefined });
    let out = '';
    const deleted = report.CachesDeleted ?? [];
    if (deleted.length) out += `Deleted build cache objects:\n${deleted.map((d) => `${d}\n`).join('')}\n`;
    ctx.out(`${out}Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}\n`);
  });
  return cmd;
}
