// stop, start and rm of a project's service containers: stop dependents first, start dependencies first (waiting for
// their conditions), rm only what is stopped.
import type { EngineClient } from '../client/engine-client.js';
import { dependencyOrder, eachInReverseDependencyOrder } from './dependency-order.js';
import { waitForDependencies } from './dependency-wait.js';
import type { Project } from './model.js';
import type { Progress } from './progress.js';
import { projectContainers, type ProjectContainer } from './project-containers.js';
import { removeContainer, stopContainer } from './remove.js';

export interface ServiceSelection {
  /** Only these services; all when empty. */
  services?: string[];
  progress: Progress;
}

async function byService(
  client: EngineClient,
  project: Project,
  services: string[] | undefined,
): Promise<Map<string, ProjectContainer[]>> {
  const out = new Map<string, ProjectContainer[]>();
  for (const c of await projectContainers(client, project.name)) {
    if (services && services.length > 0 && !services.includes(c.service)) continue;
    out.set(c.service, [...(out.get(c.service) ?? []), c]);
  }
  return out;
}

export async function stopProject(
  client: EngineClient,
  project: Project,
  opts: ServiceSelection & { timeout?: number },
): Promise<void> {
  const containers = await byService(client, project, opts.services);
  const stop = (service: string) => (c: ProjectContainer) =>
    stopContainer(client, c, opts.timeout ?? project.services[service]?.stopGracePeriod, opts.progress);
  // Dependents first, independent services at the same time; containers of services the files lack last.
  await eachInReverseDependencyOrder(project.services, async (service) => {
    await Promise.all((containers.get(service) ?? []).map(stop(service)));
  });
  for (const [service, list] of containers) if (!project.services[service]) await Promise.all(list.map(stop(service)));
}

export async function startProject(client: EngineClient, project: Project, opts: ServiceSelection): Promise<void> {
  const containers = await byService(client, project, undefined);
  for (const service of dependencyOrder(project.services)) {
    if (opts.services && opts.services.length > 0 && !opts.services.includes(service)) continue;
    const cfg = project.services[service];
    if (cfg) await waitForDependencies(client, cfg.dependsOn, (dep) => containers.get(dep) ?? [], opts.progress);
    for (const c of containers.get(service) ?? []) {
      if (c.state === 'running') continue;
      opts.progress('Container', c.name, 'Starting');
      await client.containers.start(c.id);
      c.state = 'running';
      opts.progress('Container', c.name, 'Started');
    }
  }
}

/** Removes the stopped containers (with `stop`, stops the running ones first); returns what it would remove. */
export async function removeStopped(
  client: EngineClient,
  project: Project,
  opts: ServiceSelection & { stop?: boolean; volumes?: boolean; confirm?: (names: string[]) => Promise<boolean> },
): Promise<void> {
  const containers = [...(await byService(client, project, opts.services)).values()].flat();
  if (opts.stop)
    for (const c of containers)
      await stopContainer(client, c, project.services[c.service]?.stopGracePeriod, opts.progress);
  const stopped = containers.filter((c) => opts.stop || c.state !== 'running');
  if (stopped.length === 0) {
    opts.progress('Container', '', 'No stopped containers');
    return;
  }
  if (opts.confirm && !(await opts.confirm(stopped.map((c) => c.name)))) return;
  for (const c of stopped)
    await removeContainer(client, { ...c, state: 'exited' }, { volumes: opts.volumes ?? false }, opts.progress);
}
