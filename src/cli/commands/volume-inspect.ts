// berth volume inspect: the daemon's volume JSON, as docker prints it.
import { ApiError } from '../../client/engine-client.js';
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { inspectEach } from '../format/inspect.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] VOLUME [VOLUME...]')
    .description('Display detailed information on one or more volumes')
    .argument('[volumes...]')
    .option('-f, --format <string>', 'Format output using a custom template') as DockerCommand;
  cmd.action(async (names: string[], opts: { format?: string }) => {
    requireArgs(cmd, names, { min: 1 });
    const fetch = async (volume: string): Promise<string> => ctx.client.volumes.inspectText(volume);
    await inspectEach(
      names,
      fetch,
      opts.format,
      (t) => ctx.out(t),
      (_n, err) => {
        if (err instanceof ApiError) return `Error response from daemon: ${err.message}`;
        throw err;
      },
    );
  });
  return cmd;
}
