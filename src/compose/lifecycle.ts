// stop, start and rm of a project's service containers: stop dependents first, start dependencies first (waiting for
// their conditions), rm only what is stopped.
import type { EngineClient } from '../client/engine-client.js';
import { dependencyOrder, eachInDependencyOrder, eachInReverseDependencyOrder } from './dependency-order.js';
import { waitForDependencies } from './dependency-wait.js';
import { ComposeError } from './errors.js';
import type { Project, ServiceConfig } from './model.js';
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

/**
 * The services a `restart` acts on, as Compose v2: depends_on relations without `restart: true` dropped, then the
 * named services (all when none) and, transitively, the services depending on them through what is left.
 */
export function restartSelection(project: Project, named: string[] | undefined): Record<string, ServiceConfig> {
  const services = Object.fromEntries(
    Object.entries(project.services).map(([name, s]) => [
      name,
      { ...s, dependsOn: Object.fromEntries(Object.entries(s.dependsOn).filter(([, d]) => d.restart)) },
    ]),
  );
  if (!named || named.length === 0) return services;
  const out: Record<string, ServiceConfig> = {};
  const add = (name: string): void => {
    const s = services[name];
    if (!s || out[name]) return;
    out[name] = s;
    for (const other of Object.values(services)) if (other.dependsOn[name]) add(other.name);
  };
  for (const name of named) if (!project.services[name]) throw new ComposeError(`no such service: ${name}`);
  named.forEach(add);
  return out;
}

/** `restart`: in dependency order (independent services together), each service's containers once the services it
 * depends on with `restart: true` meet their condition again; a service's dependents through such a relation too. */
export async function restartProject(
  client: EngineClient,
  project: Project,
  opts: ServiceSelection & { timeout?: number },
): Promise<void> {
  const services = restartSelection(project, opts.services);
  const containers = await byService(client, project, undefined);
  const restart = async (c: ProjectContainer): Promise<void> => {
    opts.progress('Container', c.name, 'Restarting');
    await client.containers.restart(c.id, opts.timeout !== undefined ? { t: opts.timeout } : {});
    c.state = 'running';
    opts.progress('Container', c.name, 'Started');
  };
  await eachInDependencyOrder(services, async (name) => {
    const cfg = services[name] as ServiceConfig;
    await waitForDependencies(client, cfg.dependsOn, (dep) => containers.get(dep) ?? [], opts.progress);
    await Promise.all((containers.get(name) ?? []).map(restart));
  });
  // Containers of services the files no longer have, when every service is restarted.
  if (!opts.services || opts.services.length === 0)
    for (const [service, list] of containers) if (!project.services[service]) await Promise.all(list.map(restart));
}
