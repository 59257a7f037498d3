// berth network inspect: the networks as JSON (or a template), errors after what was found.
import { ApiError } from '../../client/engine-client.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { inspectEach } from '../format/inspect.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] NETWORK [NETWORK...]')
    .description('Display detailed information on one or more networks')
    .argument('[names...]')
    .option('-f, --format <string>', 'Format output using a custom template')
    .option('-v, --verbose', 'Verbose output for diagnostics') as DockerCommand;
  cmd.action(async (names: string[], o: { format?: string }) => {
    requireArgs(cmd, names, { min: 1 });
    await inspectEach(
      names,
      async (n) => ctx.client.networks.inspectText(n),
      o.format,
      (t) => ctx.out(t),
      (_n, err) => {
        if (err instanceof ApiError) return `Error response from daemon: ${err.message}`;
        throw err;
      },
    );
  });
  return cmd;
}
