// Waiting for a service's dependencies before its containers start: service_started (running, which the order
// already gives), service_healthy (every container's health check reports healthy) and
// service_completed_successfully (every container exited 0). The engine is asked every half second, as Compose does.
import type { EngineClient } from '../client/engine-client.js';
import { ComposeError } from './errors.js';
import type { Dependency } from './model.js';
import type { Progress } from './progress.js';
import type { ProjectContainer } from './project-containers.js';

const POLL_MS = 500;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type State = NonNullable<Awaited<ReturnType<EngineClient['containers']['inspect']>>['State']>;

/** Asks the engine for the container's state until `judge` says it is met (or throws), with progress lines. */
async function pollState(
  client: EngineClient,
  c: ProjectContainer,
  progress: Progress,
  judge: (state: State) => boolean,
): Promise<void> {
  progress('Container', c.name, 'Waiting');
  while (!judge((await client.containers.inspect(c.id)).State ?? {})) await pause(POLL_MS);
  progress('Container', c.name, 'Healthy');
}

const exited = (state: State): boolean => state.Status === 'exited' || state.Status === 'dead';

/** service_healthy: the health check reports healthy. */
const waitHealthy = (client: EngineClient, c: ProjectContainer, progress: Progress): Promise<void> =>
  pollState(client, c, progress, (state) => {
    const health = state.Health?.Status;
    if (!state.Health) throw new ComposeError(`container ${c.name} has no healthcheck configured`);
    if (health === 'healthy') return true;
    if (health === 'unhealthy') throw new ComposeError(`dependency failed to start: container ${c.name} is unhealthy`);
    if (exited(state))
      throw new ComposeError(`dependency failed to start: container ${c.name} exited (${state.ExitCode ?? 0})`);
    return false;
  });

async function waitCompleted(client: EngineClient, c: ProjectContainer, progress: Progress): Promise<void> {
  progress('Container', c.name, 'Waiting');
  const result = await client.containers.wait(c.id);
  if (result.StatusCode !== 0)
    throw new ComposeError(`service "${c.service}" didn't complete successfully: exit ${result.StatusCode}`);
  progress('Container', c.name, 'Exited');
}

/** Resolves once every dependency of a service meets its condition; throws when one cannot. */
export async function waitForDependencies(
  client: EngineClient,
  dependsOn: Record<string, Dependency>,
  containersOf: (service: string) => ProjectContainer[],
  progress: Progress,
): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const [service, dep] of Object.entries(dependsOn)) {
    for (const c of containersOf(service)) {
      if (dep.condition === 'service_healthy') waits.push(waitHealthy(client, c, progress));
      else if (dep.condition === 'service_completed_successfully') waits.push(waitCompleted(client, c, progress));
    }
  }
  await Promise.all(waits);
}

/**
 * `up --wait`: resolves once every container runs, and is healthy when it has a health check; throws as soon as one
 * has exited or turned unhealthy (Compose v2's running-or-healthy condition).
 */
export async function waitRunningOrHealthy(
  client: EngineClient,
  containers: ProjectContainer[],
  progress: Progress,
): Promise<void> {
  await Promise.all(
    containers.map((c) =>
      pollState(client, c, progress, (state) => {
        if (exited(state)) throw new ComposeError(`container ${c.name} exited (${state.ExitCode ?? 0})`);
        const health = state.Health?.Status;
        if (health === 'unhealthy') throw new ComposeError(`container ${c.name} is unhealthy`);
        return state.Health && health !== 'none' ? health === 'healthy' : state.Status === 'running';
      }),
    ),
  );
}
