// berth compose ls: the compose projects the engine has containers of (by the Compose labels, whoever made them:
// berth compose, Docker Compose v2, docker-compose 1.29), with their states and files; running ones unless -a.
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { tabwrite } from '../format/tabwriter.js';
import { LABEL } from '../../compose/labels.js';
import { clientVersion } from '../client-info.js';

interface Row {
  Name: string;
  Status: string;
  ConfigFiles: string;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('List running compose projects')
    .option('-a, --all', 'Show all stopped Compose projects')
    .option('-q, --quiet', 'Only display project names')
    .option('--format <string>', 'Format the output. Values: [table | json]', 'table') as DockerCommand;
  cmd.action(async (opts: { all?: boolean; quiet?: boolean; format: string }) => {
    if (opts.format !== 'table' && opts.format !== 'json')
      throw new CliExit(1, `format value "${opts.format}" could not be parsed: unsupported format`);
    const list = await ctx.client.containers.list({ all: true, filters: JSON.stringify({ label: [LABEL.project] }) });
    const projects = new Map<string, { states: Map<string, number>; files: Set<string> }>();
    for (const c of list) {
      const labels = c.Labels ?? {};
      const key = labels[LABEL.project] ?? '';
      const p = projects.get(key) ?? { states: new Map(), files: new Set() };
      p.states.set(c.State ?? '', (p.states.get(c.State ?? '') ?? 0) + 1);
      const files = labels[LABEL.configFiles];
      if (files) p.files.add(files);
      projects.set(key, p);
    }
    const rows: Row[] = [...projects.entries()]
      .filter(([, p]) => opts.all || p.states.has('running'))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([n, p]) => ({
        Name: n,
        Status: [...p.states.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([state, count]) => `${state}(${count})`)
          .join(', '),
        ConfigFiles: [...p.files].join(','),
      }));
    if (opts.quiet) return ctx.out(rows.map((r) => `${r.Name}\n`).join(''));
    if (opts.format === 'json') return ctx.out(`${JSON.stringify(rows)}\n`);
    ctx.out(
      tabwrite(
        ['NAME\tSTATUS\tCONFIG FILES', ...rows.map((r) => `${r.Name}\t${r.Status}\t${r.ConfigFiles}`)].join('\n') +
          '\n',
      ),
    );
  });
  return cmd;
}

export function registerVersion(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Show the berth compose version information')
    .option('--short', "Shows only Compose's version number")
    .option('-f, --format <string>', 'Format the output. Values: [pretty | json]', 'pretty') as DockerCommand;
  cmd.action((opts: { short?: boolean; format: string }) => {
    const version = clientVersion('').Version;
    if (opts.short) return ctx.out(`${version}\n`);
    if (opts.format === 'json') return ctx.out(`${JSON.stringify({ version })}\n`);
    ctx.out(`berth compose version ${version}\n`);
  });
  return cmd;
}
