// The container a `berth compose` verb that acts on one container of a service (exec, cp, port) means: the
// service's container with the given number (`--index`, default 1), found by the Compose labels.
import type { Project } from '../compose/model.js';
import { ComposeError } from '../compose/errors.js';
import { projectContainers, type ProjectContainer } from '../compose/project-containers.js';
import type { EngineClient } from '../client/engine-client.js';

export async function serviceContainer(
  client: EngineClient,
  project: Project,
  service: string,
  index = 1,
): Promise<ProjectContainer> {
  if (!project.services[service]) throw new ComposeError(`no such service: ${service}`);
  const found = (await projectContainers(client, project.name, service)).find((c) => c.number === index);
  if (!found) throw new ComposeError(`service "${service}" is not running`);
  return found;
}

/** The project's containers of the named services (all when none is named); unknown names refused. */
export async function servicesContainers(
  client: EngineClient,
  project: Project,
  services: string[],
  oneoff = false,
): Promise<ProjectContainer[]> {
  for (const s of services) if (!project.services[s]) throw new ComposeError(`no such service: ${s}`);
  const all = await projectContainers(client, project.name, undefined, oneoff);
  return services.length === 0 ? all : all.filter((c) => services.includes(c.service));
}
