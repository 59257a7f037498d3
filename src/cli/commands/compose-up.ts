// berth compose up: create and start the project's containers; -d leaves them running in the background, without it
// the services' logs follow until every container exited or Ctrl-C, which stops them. --abort-on-container-exit stops
// the project when the first container exits and exits with its code; --exit-code-from SERVICE (which implies it)
// exits with that service's code instead, as Compose v2 does.
import type { DockerCommand } from '../command.js';
import { CliExit, type CliContext } from '../context.js';
import { buildkitOn, composeExit, composeVersion, progressOn, project, warnOn } from '../compose-project.js';
import { up } from '../../compose/up.js';
import { stopProject } from '../../compose/lifecycle.js';
import { followLogs } from '../compose-log-stream.js';
import { projectContainers, type ProjectContainer } from '../../compose/project-containers.js';
import { waitRunningOrHealthy } from '../../compose/dependency-wait.js';
import type { Project } from '../../compose/model.js';

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
  abortOnContainerExit?: boolean;
  exitCodeFrom?: string;
  scale: string[];
  wait?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `--scale SERVICE=N`, repeated: each service's replicas for this run, over deploy.replicas and scale. */
function applyScale(p: Project, values: string[]): void {
  for (const value of values) {
    const match = /^([^=]+)=(\d+)$/.exec(value);
    if (!match) throw new CliExit(1, `invalid --scale value ${JSON.stringify(value)}: expected SERVICE=NUMBER`);
    const service = p.services[match[1] as string];
    if (!service) throw new CliExit(1, `no such service: ${match[1]}`);
    service.replicas = Number(match[2]);
  }
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
    )
    .option(
      '--scale <SERVICE=NUM>',
      'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.',
      collect,
      [],
    )
    .option('--wait', 'Wait for services to be running|healthy. Implies detached mode.')
    .option('--abort-on-container-exit', 'Stops all containers if any container was stopped. Incompatible with -d')
    .option(
      '--exit-code-from <service>',
      'Return the exit code of the selected service container. Implies --abort-on-container-exit',
    ) as DockerCommand;
  cmd.action(async (services: string[], opts: Options) => {
    if (opts.forceRecreate && opts.recreate === false)
      throw new CliExit(1, '--force-recreate and --no-recreate are incompatible');
    const abort = Boolean(opts.abortOnContainerExit || opts.exitCodeFrom);
    if (opts.wait) opts.detach = true;
    if (abort && opts.detach)
      throw new CliExit(1, '--abort-on-container-exit and --exit-code-from cannot be combined with --detach');
    const p = project(ctx, cmd);
    applyScale(p, opts.scale);
    if (opts.exitCodeFrom !== undefined && !p.services[opts.exitCodeFrom])
      throw new CliExit(1, `no such service: ${opts.exitCodeFrom}`);
    const noStart = opts.start === false;
    try {
      await up(ctx.client, p, {
        version: composeVersion(),
        progress: progressOn(ctx),
        warn: warnOn(ctx),
        output: (text) => void ctx.stderr.write(text),
        showBuildkit: buildkitOn(ctx),
        services,
        ...(opts.build ? { build: true } : {}),
        ...(opts.forceRecreate ? { forceRecreate: true } : {}),
        ...(opts.recreate === false ? { noRecreate: true } : {}),
        ...(opts.removeOrphans ? { removeOrphans: true } : {}),
        noStart,
      });
      if (opts.wait && !noStart) {
        const wanted = new Set(services.length > 0 ? services : Object.keys(p.services));
        const containers = (await projectContainers(ctx.client, p.name)).filter((c) => wanted.has(c.service));
        await waitRunningOrHealthy(ctx.client, containers, progressOn(ctx));
      }
      if (opts.detach || noStart) return;
      const stopping = new AbortController();
      const stopOptions = {
        services,
        progress: progressOn(ctx),
        ...(opts.timeout ? { timeout: Number(opts.timeout) } : {}),
      };
      // --abort-on-container-exit: the first exit stops the project (its containers' streams then end); the exit
      // code is the first exited container's, or --exit-code-from's service's when it exits (stopped or not).
      let aborting: Promise<void> | undefined;
      let exitCode: number | undefined;
      const onExit = (c: ProjectContainer, code: number): void => {
        if (!aborting) {
          ctx.stdout.write('Aborting on container exit...\n');
          aborting = stopProject(ctx.client, p, stopOptions);
          // Awaited once the streams ended; a failure meanwhile is not unhandled.
          aborting.catch(() => undefined);
        }
        if ((opts.exitCodeFrom ?? c.service) === c.service) exitCode ??= code;
      };
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
          ...(abort ? { onExit } : {}),
        });
        await aborting;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      if (stopping.signal.aborted) {
        ctx.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
        await stopProject(ctx.client, p, stopOptions);
      }
      if (exitCode) throw new CliExit(exitCode);
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
