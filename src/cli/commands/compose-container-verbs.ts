// berth compose restart, kill, pause and unpause: one Engine API call per container of the named services (all
// when none is named), with Compose v2's progress lines; restart in dependency order (compose/lifecycle.ts).
import type { DockerCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { composeExit, progressOn, project } from '../compose-project.js';
import { servicesContainers } from '../compose-service-container.js';
import type { ProjectContainer } from '../../compose/project-containers.js';
import type { EngineClient } from '../../client/engine-client.js';
import { restartProject } from '../../compose/lifecycle.js';
import type { Project } from '../../compose/model.js';
import type { Progress } from '../../compose/progress.js';

interface VerbText {
  description: string;
  options?: [flags: string, description: string, fallback?: string][];
}

/** One Engine API call per container it applies to. */
interface ContainerVerb extends VerbText {
  /** Which containers it acts on. */
  applies: (c: ProjectContainer) => boolean;
  doing: string;
  done: string;
  call: (client: EngineClient, c: ProjectContainer, opts: Record<string, string | undefined>) => Promise<void>;
}

/** The verb over the project, its order and progress its own. */
interface ProjectVerb extends VerbText {
  project: (
    client: EngineClient,
    p: Project,
    services: string[],
    opts: Record<string, string | undefined>,
    progress: Progress,
  ) => Promise<void>;
}

const VERBS: Record<string, ContainerVerb | ProjectVerb> = {
  restart: {
    description: 'Restart service containers',
    options: [['-t, --timeout <int>', 'Specify a shutdown timeout in seconds']],
    // In dependency order, with the dependents through `depends_on: {restart: true}` (compose/lifecycle.ts).
    project: (client, p, services, o, progress) =>
      restartProject(client, p, {
        services,
        progress,
        ...(o.timeout !== undefined ? { timeout: Number(o.timeout) } : {}),
      }),
  },
  kill: {
    description: 'Force stop service containers',
    applies: (c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused',
    doing: 'Killing',
    done: 'Killed',
    call: (client, c, o) => client.containers.kill(c.id, { signal: o.signal ?? 'SIGKILL' }),
    options: [['-s, --signal <string>', 'SIGNAL to send to the container', 'SIGKILL']],
  },
  pause: {
    description: 'Pause services',
    applies: (c) => c.state === 'running',
    doing: 'Pausing',
    done: 'Paused',
    call: (client, c) => client.containers.pause(c.id),
  },
  unpause: {
    description: 'Unpause services',
    applies: (c) => c.state === 'paused',
    doing: 'Unpausing',
    done: 'Unpaused',
    call: (client, c) => client.containers.unpause(c.id),
  },
};

export function register(parent: DockerCommand, ctx: CliContext, name: string): DockerCommand {
  const verb = VERBS[name];
  if (!verb) throw new Error(`no compose verb ${name}`);
  const cmd = parent
    .command(name)
    .usage('[OPTIONS] [SERVICE...]')
    .description(verb.description)
    .argument('[services...]') as DockerCommand;
  for (const [flags, description, fallback] of verb.options ?? []) cmd.option(flags, description, fallback);
  cmd.action(async (services: string[], opts: Record<string, string | undefined>) => {
    const p = project(ctx, cmd);
    const progress = progressOn(ctx);
    try {
      if ('project' in verb) return await verb.project(ctx.client, p, services, opts, progress);
      const containers = (await servicesContainers(ctx.client, p, services)).filter(verb.applies);
      await Promise.all(
        containers.map(async (c) => {
          progress('Container', c.name, verb.doing);
          await verb.call(ctx.client, c, opts);
          progress('Container', c.name, verb.done);
        }),
      );
    } catch (err) {
      throw composeExit(err);
    }
  });
  return cmd;
}
