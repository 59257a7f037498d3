// berth compose events: the engine's container events for the project's containers (by the project label), as
// Compose v2 prints them, or one JSON object a line with --json; until interrupted.
import type { DockerCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { composeExit, project } from '../compose-project.js';
import { LABEL } from '../../compose/labels.js';
import { eventMessages, type EventMessage } from '../../client/event-stream.js';

/** Compose v2's time: `2006-01-02 15:04:05.000000` in UTC. */
const timeText = (e: EventMessage): string => {
  const micros = String(Math.floor((e.timeNano % 1e9) / 1e3)).padStart(6, '0');
  return `${new Date(e.time * 1000).toISOString().slice(0, 19).replace('T', ' ')}.${micros}`;
};

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVICE...]')
    .description('Receive real time events from containers')
    .argument('[services...]')
    .option('--json', 'Output events as a stream of json objects') as DockerCommand;
  cmd.action(async (services: string[], opts: { json?: boolean }) => {
    const p = project(ctx, cmd);
    try {
      const res = await ctx.client.system.events({
        filters: JSON.stringify({ type: ['container'], label: [`${LABEL.project}=${p.name}`] }),
      });
      for await (const { event: e } of eventMessages(res)) {
        const service = e.Actor.Attributes[LABEL.service] ?? '';
        if (services.length > 0 && !services.includes(service)) continue;
        // Compose v2 leaves its own labels out of the attributes it shows.
        const attributes = Object.fromEntries(
          Object.entries(e.Actor.Attributes).filter(([k]) => !k.startsWith('com.docker.compose.')),
        );
        if (opts.json) {
          ctx.out(
            `${JSON.stringify({ action: e.Action, attributes, id: e.Actor.ID, service, time: new Date(e.timeNano / 1e6).toISOString(), type: e.Type })}\n`,
          );
          continue;
        }
        const attrs = Object.entries(attributes)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
        ctx.out(`${timeText(e)} ${e.Type} ${e.Action} ${e.Actor.ID} (${attrs})\n`);
      }
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
