// berth network create: a bridge network; prints its ID.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import type { CliContext } from '../context.js';
import { apiErrors } from './network-errors.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];
const keyValues = (list: string[]): Record<string, string> =>
  Object.fromEntries(list.map((l) => [l.split('=')[0] ?? '', l.split('=').slice(1).join('=')]));

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] NETWORK')
    .description('Create a network')
    .argument('[args...]')
    .option('-d, --driver <string>', 'Driver to manage the Network', 'bridge')
    .option('--subnet <strings>', 'Subnet in CIDR format that represents a network segment', collect, [])
    .option('--gateway <strings>', 'IPv4 or IPv6 Gateway for the master subnet', collect, [])
    .option('--ip-range <strings>', 'Allocate container ip from a sub-range', collect, [])
    .option('--internal', 'Restrict external access to the network')
    .option('--attachable', 'Enable manual container attachment')
    .option('--ipv6', 'Enable or disable IPv6 networking')
    .option('--label <list>', 'Set metadata on a network', collect, [])
    .option('-o, --opt <map>', 'Set driver specific options', collect, []) as DockerCommand;
  cmd.action(
    async (
      args: string[],
      o: {
        driver: string;
        subnet: string[];
        gateway: string[];
        ipRange: string[];
        internal?: boolean;
        attachable?: boolean;
        ipv6?: boolean;
        label: string[];
        opt: string[];
      },
    ) => {
      requireArgs(cmd, args, { exact: 1 });
      const config = o.subnet.map((subnet, i) => ({
        Subnet: subnet,
        ...(o.ipRange[i] ? { IPRange: o.ipRange[i] } : {}),
        ...(o.gateway[i] ? { Gateway: o.gateway[i] } : {}),
      }));
      if (config.length === 0 && (o.gateway.length || o.ipRange.length))
        config.push({
          Subnet: '',
          ...(o.gateway[0] ? { Gateway: o.gateway[0] } : {}),
          ...(o.ipRange[0] ? { IPRange: o.ipRange[0] } : {}),
        });
      const res = await apiErrors(() =>
        ctx.client.networks.create({
          Name: args[0] ?? '',
          Driver: o.driver,
          Internal: o.internal ?? false,
          Attachable: o.attachable ?? false,
          EnableIPv6: o.ipv6 ?? false,
          IPAM: { Driver: 'default', Config: config, Options: {} },
          Options: keyValues(o.opt),
          Labels: keyValues(o.label),
        }),
      );
      ctx.out(`${res.Id}\n`);
    },
  );
  return cmd;
}
