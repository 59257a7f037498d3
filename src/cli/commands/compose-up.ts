// berth compose up: create and start the project's containers; -d leaves them running in the background, without it
// the services' logs follow until Ctrl-C, which stops them.
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { composeExit, composeVersion, progressOn, project } from '../compose-project.js';
import { up } from '../../compose/up.js';
import { stopProject } from '../../compose/lifecycle.js';
import { followLogs } from '../compose-log-stream.js';

interface Options {
  detach?: boolean;
  forceRecreate?: boolean;
  /** commander names a `--no-X` flag's value X (true unless the flag is given). */
  recreate?: boolean;
  removeOrphans?: boolean;
  start?: boolean;
  color?: boolean;
  logPrefix?: boolean;
  timeout?: string;
  build?: boolean;
}

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVICE...]')
    .description('Create and start containers')
    .argument('[services...]')
    .option('-d, --detach', 'Detached mode: Run containers in the background')
    .option('--build', 'Build images before starting containers')
    .option('--force-recreate', "Recreate containers even if their configuration and image haven't changed")
    .option('--no-recreate', "If containers already exist, don't recreate them")
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .option('--no-start', "Don't start the services after creating them")
    .option('--no-color', 'Produce monochrome output')
    .option('--no-log-prefix', "Don't print prefix in logs")
    .option(
      '-t, --timeout <int>',
      'Use this timeout in seconds for container shutdown when attached or when containers are already running',
    ) as DockerCommand;
  cmd.action(async (services: string[], opts: Options) => {
    if (opts.forceRecreate && opts.recreate === false)
      throw new CliExit(1, '--force-recreate and --no-recreate are incompatible');
    const p = project(ctx, cmd);
    const noStart = opts.start === false;
    try {
      await up(ctx.client, p, {
        version: composeVersion(),
        progress: progressOn(ctx),
        output: (text) => void ctx.stderr.write(text),
        services,
        ...(opts.build ? { build: true } : {}),
        ...(opts.forceRecreate ? { forceRecreate: true } : {}),
        ...(opts.recreate === false ? { noRecreate: true } : {}),
        ...(opts.removeOrphans ? { removeOrphans: true } : {}),
        noStart,
      });
      if (opts.detach || noStart) return;
      const stopping = new AbortController();
      const onSignal = (): void => stopping.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        ctx.stderr.write('Attaching to ' + Object.keys(p.services).join(', ') + '\n');
        await followLogs(ctx, p, services, {
          color: opts.color !== false,
          prefix: opts.logPrefix !== false,
          signal: stopping.signal,
          untilExit: true,
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      if (stopping.signal.aborted) {
        ctx.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
        await stopProject(ctx.client, p, {
          services,
          progress: progressOn(ctx),
          ...(opts.timeout ? { timeout: Number(opts.timeout) } : {}),
        });
      }
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
