// berth port CONTAINER [PRIVATE_PORT[/PROTO]]: the published ports, read from inspect's NetworkSettings.Ports.
import type { DockerCommand } from '../command.js';
import { requireArgs } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import type { PortBinding } from '../../client/engine-types.js';

const hostAddress = (b: PortBinding): string => {
  const ip = b.HostIp || '0.0.0.0';
  return ip.includes(':') ? `[${ip}]:${b.HostPort ?? ''}` : `${ip}:${b.HostPort ?? ''}`;
};

/** Ports sorted as docker sorts them: by number, then protocol. */
const byPort = (a: string, b: string): number => {
  const [pa = '', qa = ''] = a.split('/');
  const [pb = '', qb = ''] = b.split('/');
  return Number(pa) - Number(pb) || qa.localeCompare(qb);
};

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('CONTAINER [PRIVATE_PORT[/PROTO]]')
    .description('List port mappings or a specific mapping for the container')
    .argument('[args...]') as DockerCommand;
  cmd.action(async (args: string[]) => {
    requireArgs(cmd, args, { min: 1, max: 2 });
    const [ref = '', wanted] = args;
    const inspect = await ctx.client.containers.inspect(ref);
    const ports = inspect.NetworkSettings?.Ports ?? {};
    if (wanted) {
      const [port = '', proto = 'tcp'] = wanted.split('/');
      if (!/^\d+$/.test(port))
        throw new CliExit(1, `Error: invalid port (${port}): strconv.ParseUint: parsing "${port}": invalid syntax`);
      const key = `${port}/${proto}`;
      const bindings = ports[key];
      if (!bindings || bindings.length === 0)
        throw new CliExit(1, `Error: No public port '${key}' published for ${ref}`);
      ctx.out(bindings.map((b) => `${hostAddress(b)}\n`).join(''));
      return;
    }
    const lines: string[] = [];
    for (const key of Object.keys(ports).sort(byPort))
      for (const b of ports[key] ?? []) lines.push(`${key} -> ${hostAddress(b)}\n`);
    ctx.out(lines.join(''));
  });
  return cmd;
}
