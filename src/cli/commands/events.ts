// berth events: the daemon's event stream, docker's default line format or --format templates.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { timeArg } from '../time-arg.js';
import { filtersQuery, parseFilters } from '../filters.js';
import { compile, execute, parseFormat } from '../format/template.js';
import { contextRow } from '../format/list.js';
import { eventMessages, type EventMessage } from '../../client/event-stream.js';

function defaultLine(e: EventMessage, raw: string): string {
  const nanos = /"timeNano":(\d+)/.exec(raw)?.[1] ?? String(e.timeNano);
  const time = `${new Date(e.time * 1000).toISOString().slice(0, 19)}.${nanos.slice(-9)}Z`;
  const attrs = Object.entries(e.Actor.Attributes)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `${time} ${e.Type} ${e.Action} ${e.Actor.ID}${attrs ? ` (${attrs})` : ''}\n`;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS]')
    .description('Get real time events from the server')
    .argument('[args...]')
    .option('--since <string>', 'Show all events created since timestamp')
    .option('--until <string>', 'Stream events until this timestamp')
    .option('--format <string>', 'Format output using a custom template') as DockerCommand;
  cmd.repeatable('-f, --filter <filter>', 'Filter output based on conditions provided');
  cmd.action(async (args: string[], opts: { since?: string; until?: string; format?: string; filter?: string[] }) => {
    requireArgs(cmd, args, { max: 0 });
    const template = opts.format ? compile(parseFormat(opts.format).text) : undefined;
    const res = await ctx.client.system.events({
      since: timeArg(opts.since),
      until: timeArg(opts.until),
      filters: filtersQuery(parseFilters(opts.filter)),
    });
    for await (const { event, raw } of eventMessages(res))
      ctx.out(
        template
          ? `${execute(template, contextRow(event as unknown as Record<string, unknown>))}\n`
          : defaultLine(event, raw),
      );
  });
  return cmd;
}
