// berth network disconnect: detaches a container from a network.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { apiErrors } from './network-errors.js';

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] NETWORK CONTAINER')
    .description('Disconnect a container from a network')
    .argument('[args...]')
    .option('-f, --force', 'Force the container to disconnect from a network') as DockerCommand;
  cmd.action(async (args: string[], o: { force?: boolean }) => {
    requireArgs(cmd, args, { exact: 2 });
    const [network = '', container = ''] = args;
    await apiErrors(() => ctx.client.networks.disconnect(network, { Container: container, Force: o.force ?? false }));
  });
  return cmd;
}
