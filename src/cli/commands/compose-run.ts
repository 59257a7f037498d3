// berth compose run: a one-off command in a new container of a service (its dependencies brought up first unless
// --no-deps), attached to the terminal unless -d; --rm removes it when it exits; the command's exit code is ours.
import { randomBytes } from 'node:crypto';
import { Option } from 'commander';
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { buildkitOn, composeExit, composeVersion, progressOn, project, warnOn } from '../compose-project.js';
import { runSession } from '../hijacked-session.js';
import { proxySignals } from '../signal-proxy.js';
import { commandOf } from '../../compose/syntax.js';
import { ComposeError } from '../../compose/errors.js';
import { ensureImages } from '../../compose/images.js';
import { injectFiles } from '../../compose/inject-files.js';
import { ensureResources } from '../../compose/resources.js';
import { runPlan } from '../../compose/run-plan.js';
import { up } from '../../compose/up.js';

interface Options {
  detach?: boolean;
  rm?: boolean;
  env: string[];
  label: string[];
  user?: string;
  workdir?: string;
  entrypoint?: string;
  name?: string;
  servicePorts?: boolean;
  /** commander's name for --no-deps. */
  deps?: boolean;
  /** commander's name for -T, --no-TTY. */
  TTY?: boolean;
  interactive?: boolean;
  build?: boolean;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function envOf(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of list) {
    const eq = e.indexOf('=');
    if (eq >= 0) out[e.slice(0, eq)] = e.slice(eq + 1);
    else if (process.env[e] !== undefined) out[e] = process.env[e];
  }
  return out;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] SERVICE [COMMAND] [ARGS...]')
    .description('Run a one-off command on a service')
    .argument('[args...]')
    .passThroughOptions()
    .option('-d, --detach', 'Run container in background and print container ID')
    .option('--rm', 'Automatically remove the container when it exits')
    .option('-e, --env <list>', 'Set environment variables', collect, [])
    .option('-l, --label <list>', 'Add or override a label', collect, [])
    .option('-u, --user <string>', 'Run as specified username or uid')
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .option('--entrypoint <string>', 'Override the entrypoint of the image')
    .option('--name <string>', 'Assign a name to the container')
    .option('-P, --service-ports', "Run command with all service's ports enabled and mapped to the host")
    .option('--no-deps', "Don't start linked services")
    .option('--build', 'Build image before starting container')
    .option('-i, --interactive', 'Keep STDIN open even if not attached', true)
    .addOption(new Option('-T, --no-TTY', 'Disable pseudo-TTY allocation (default: auto-detected)')) as DockerCommand;
  cmd.action(async (args: string[], opts: Options) => {
    const [serviceName, ...command] = args;
    if (!serviceName) throw new CliExit(1, 'requires at least 1 arg(s), only received 0');
    const p = project(ctx, cmd);
    const progress = progressOn(ctx);
    const output = (text: string): void => void ctx.stderr.write(text);
    try {
      const service = p.services[serviceName];
      if (!service) throw new ComposeError(`no such service: ${serviceName}`);
      const deps = Object.keys(service.dependsOn);
      if (opts.deps !== false && deps.length > 0)
        await up(ctx.client, p, {
          version: composeVersion(),
          progress,
          warn: warnOn(ctx),
          output,
          showBuildkit: buildkitOn(ctx),
          services: deps,
        });
      await ensureResources(ctx.client, { ...p, services: { [serviceName]: service } }, composeVersion(), progress);
      const images = await ensureImages(ctx.client, [service], {
        progress,
        output,
        showBuildkit: buildkitOn(ctx),
        build: opts.build ?? false,
      });
      const tty = opts.TTY !== false && !opts.detach && ctx.stdin.isTTY === true && ctx.stdout.isTTY === true;
      const interactive = opts.interactive !== false && !opts.detach;
      const entrypoint = opts.entrypoint !== undefined ? commandOf(opts.entrypoint, '--entrypoint') : undefined;
      const imageId = images.get(service.image);
      const plan = runPlan(
        p,
        service,
        {
          slug: randomBytes(32).toString('hex'),
          command,
          env: envOf(opts.env),
          labels: envOf(opts.label),
          servicePorts: opts.servicePorts ?? false,
          autoRemove: opts.rm ?? false,
          tty,
          interactive,
          ...(entrypoint ? { entrypoint } : {}),
          ...(opts.user !== undefined ? { user: opts.user } : {}),
          ...(opts.workdir !== undefined ? { workdir: opts.workdir } : {}),
          ...(opts.name !== undefined ? { name: opts.name } : {}),
        },
        { version: composeVersion(), ...(imageId ? { imageId } : {}) },
      );
      const { Id: id } = await ctx.client.containers.create(plan.body, { name: plan.name });
      for (const { network, endpoint } of plan.connect)
        await ctx.client.networks.connect(network, { Container: id, EndpointConfig: endpoint });
      await injectFiles(ctx.client, id, plan.files);
      if (opts.detach) {
        await ctx.client.containers.start(id);
        ctx.out(`${plan.name}\n`);
        return;
      }
      // Frames unless a TTY, whatever the content type says (dockerd 20.10 names no multiplexed stream).
      const multiplexed = !tty;
      const { socket } = await ctx.client.hijack.containerAttach(id, {
        stream: true,
        stdin: interactive,
        stdout: true,
        stderr: true,
      });
      const waited = ctx.client.containers.wait(id, { condition: opts.rm ? 'removed' : 'next-exit' });
      waited.catch(() => undefined);
      await ctx.client.containers.start(id);
      const stopProxy = tty ? () => undefined : proxySignals(ctx, id);
      try {
        await runSession(ctx, {
          socket,
          multiplexed,
          tty,
          stdin: interactive,
          resize: (h, w) => ctx.client.containers.resize(id, { h, w }),
        });
      } finally {
        stopProxy();
      }
      const result = await waited;
      if (result.StatusCode !== 0) throw new CliExit(result.StatusCode);
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
