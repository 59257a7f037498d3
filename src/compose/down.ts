// `down`: the project's containers stopped and removed (dependents first), then its networks, and with `volumes`
// its named volumes. Orphans (containers of services the files no longer have) only with `removeOrphans`.
import { ApiError, type EngineClient } from '../client/engine-client.js';
import { ComposeError } from './errors.js';
import { eachInReverseDependencyOrder } from './dependency-order.js';
import type { Project } from './model.js';
import type { Progress } from './progress.js';
import { projectContainers, type ProjectContainer } from './project-containers.js';
import { removeContainer } from './remove.js';
import { removeNetworks, removeVolumes } from './resources.js';
import { orphanWarning, orphansOf } from './orphans.js';

export interface DownOptions {
  volumes?: boolean;
  removeOrphans?: boolean;
  /** Seconds to wait before killing. */
  timeout?: number;
  /** `local`: the images built for services that name none; `all`: every service's image. */
  rmi?: 'local' | 'all';
  progress: Progress;
  /** A warning (orphans left), as the CLI prints them (`WARN[0000] ...`). */
  warn: (message: string) => void;
}

async function removeImages(client: EngineClient, project: Project, rmi: 'local' | 'all', progress: Progress) {
  const services = [...Object.values(project.services)];
  const images = new Set(
    services.filter((s) => rmi === 'all' || (s.build !== undefined && !s.build.named)).map((s) => s.image),
  );
  for (const image of images) {
    progress('Image', image, 'Removing');
    try {
      await client.images.remove(image);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) continue;
      if (err instanceof ApiError) throw new ComposeError(`image ${image}: ${err.message}`);
      throw err;
    }
    progress('Image', image, 'Removed');
  }
}

export async function down(client: EngineClient, project: Project, opts: DownOptions): Promise<void> {
  const containers = await projectContainers(client, project.name, undefined, true);
  const orphans = orphansOf(project, containers);
  const doomed = opts.removeOrphans ? containers : containers.filter((c) => !orphans.includes(c));
  if (orphans.length > 0 && !opts.removeOrphans) opts.warn(orphanWarning(orphans));
  const remove = (c: ProjectContainer): Promise<void> =>
    removeContainer(
      client,
      c,
      { stopTimeout: opts.timeout ?? project.services[c.service]?.stopGracePeriod, volumes: opts.volumes ?? false },
      opts.progress,
    );
  // Dependents first, each service's containers together, independent services at the same time; the rest last.
  await eachInReverseDependencyOrder(project.services, async (service) => {
    await Promise.all(doomed.filter((c) => c.service === service).map(remove));
  });
  await Promise.all(doomed.filter((c) => !project.services[c.service]).map(remove));
  await removeNetworks(client, project, opts.progress);
  if (opts.volumes) await removeVolumes(client, project, opts.progress);
  if (opts.rmi) await removeImages(client, project, opts.rmi, opts.progress);
}
