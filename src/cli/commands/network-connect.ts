// berth network connect: attaches a container (running or not) to a network, with aliases and a fixed IP.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { apiErrors } from './network-errors.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] NETWORK CONTAINER')
    .description('Connect a container to a network')
    .argument('[args...]')
    .option('--alias <strings>', 'Add network-scoped alias for the container', collect, [])
    .option('--ip <string>', 'IPv4 address (e.g., "172.30.100.104")') as DockerCommand;
  cmd.action(async (args: string[], o: { alias: string[]; ip?: string }) => {
    requireArgs(cmd, args, { exact: 2 });
    const [network = '', container = ''] = args;
    await apiErrors(() =>
      ctx.client.networks.connect(network, {
        Container: container,
        EndpointConfig: { Aliases: o.alias, ...(o.ip ? { IPAMConfig: { IPv4Address: o.ip } } : {}) },
      }),
    );
  });
  return cmd;
}
