// berth compose images, top, port and wait: what the engine knows of a project's containers, printed as Compose v2
// prints it.
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { composeExit, project } from '../compose-project.js';
import { serviceContainer, servicesContainers } from '../compose-service-container.js';
import { tabwrite } from '../format/tabwriter.js';
import { humanSize } from '../format/units.js';

function registerImages(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVICE...]')
    .description('List images used by the created containers')
    .argument('[services...]')
    .option('-q, --quiet', 'Only display IDs') as DockerCommand;
  cmd.action(async (services: string[], opts: { quiet?: boolean }) => {
    const p = project(ctx, cmd);
    try {
      const rows: string[] = [];
      const ids = new Set<string>();
      for (const c of await servicesContainers(ctx.client, p, services)) {
        const inspect = await ctx.client.containers.inspect(c.id);
        const image = await ctx.client.images.inspect(inspect.Image ?? '');
        const id = (image.Id ?? '').replace(/^sha256:/, '');
        ids.add(id);
        const ref = inspect.Config?.Image ?? '';
        const colon = ref.lastIndexOf(':');
        const [repo, tag] =
          colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
        rows.push([c.name, repo, tag, id.slice(0, 12), humanSize(image.Size ?? 0)].join('\t'));
      }
      if (opts.quiet) return ctx.out([...ids].map((id) => `${id}\n`).join(''));
      ctx.out(tabwrite(['CONTAINER\tREPOSITORY\tTAG\tIMAGE ID\tSIZE', ...rows].join('\n') + '\n'));
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}

function registerTop(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[SERVICES...]')
    .description('Display the running processes')
    .argument('[services...]') as DockerCommand;
  cmd.action(async (services: string[]) => {
    const p = project(ctx, cmd);
    try {
      const running = (await servicesContainers(ctx.client, p, services)).filter((c) => c.state === 'running');
      const blocks: string[] = [];
      for (const c of running) {
        const top = await ctx.client.containers.top(c.id);
        const lines = [(top.Titles ?? []).join('\t'), ...(top.Processes ?? []).map((r) => r.join('\t'))];
        blocks.push(`${c.name}\n${tabwrite(lines.join('\n') + '\n', { minWidth: 0, padding: 3 })}`);
      }
      ctx.out(blocks.join('\n'));
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}

function registerPort(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] SERVICE [PRIVATE_PORT]')
    .description('Print the public port for a port binding')
    .argument('[args...]')
    .option('--index <int>', 'Index of the container if service has multiple replicas', '1')
    .option('--protocol <string>', 'tcp or udp', 'tcp') as DockerCommand;
  cmd.action(async (args: string[], opts: { index: string; protocol: string }) => {
    const [service, privatePort] = args;
    if (!service || !privatePort) throw new CliExit(1, 'requires exactly 2 arg(s)');
    const p = project(ctx, cmd);
    try {
      const c = await serviceContainer(ctx.client, p, service, Number(opts.index));
      const inspect = await ctx.client.containers.inspect(c.id);
      const key = `${privatePort}/${opts.protocol}`;
      const binding = (inspect.NetworkSettings?.Ports?.[key] ?? []).find((b) => !(b.HostIp ?? '').includes(':'));
      if (!binding) throw new CliExit(1, `no port ${key} for container ${c.name}: not found`);
      ctx.out(`${binding.HostIp || '0.0.0.0'}:${binding.HostPort ?? ''}\n`);
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}

function registerWait(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('SERVICE [SERVICE...] [OPTIONS]')
    .description('Block until containers of all (or specified) services stop.')
    .argument('[services...]') as DockerCommand;
  cmd.action(async (services: string[]) => {
    if (services.length === 0) throw new CliExit(1, 'requires at least 1 arg(s), only received 0');
    const p = project(ctx, cmd);
    let status = 0;
    try {
      const containers = await servicesContainers(ctx.client, p, services, true);
      if (containers.length === 0) throw new CliExit(1, `no containers for project "${p.name}"`);
      await Promise.all(
        containers.map(async (c) => {
          const result = await ctx.client.containers.wait(c.id, { condition: 'not-running' });
          ctx.out(`container "${c.id}" exited with status code ${result.StatusCode}\n`);
          status = result.StatusCode;
        }),
      );
    } catch (err) {
      throw composeExit(err);
    }
    if (status !== 0) throw new CliExit(status);
  });
  return cmd;
}

export const INFO_VERBS = { images: registerImages, top: registerTop, port: registerPort, wait: registerWait };
