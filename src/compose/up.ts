// `up`: the project's networks and volumes, then each service in dependency order converged to its plan (created,
// recreated when its configuration hash changed, started when stopped, scaled), each after its dependencies meet
// their conditions. A second `up` of an unchanged project touches nothing.
import type { EngineClient } from '../client/engine-client.js';
import { serviceHash } from './config-hash.js';
import { containerPlan, type ContainerPlan } from './container-spec.js';
import { dependencyOrder, eachInDependencyOrder } from './dependency-order.js';
import { ensureImages, type ImageOptions } from './images.js';
import { injectFiles } from './inject-files.js';
import { ComposeError } from './errors.js';
import { waitForDependencies } from './dependency-wait.js';
import { LABEL } from './labels.js';
import type { Project, ServiceConfig } from './model.js';
import { planService, type PlanOptions } from './plan.js';
import type { Progress } from './progress.js';
import { projectContainers, type ProjectContainer } from './project-containers.js';
import { ensureResources } from './resources.js';
import { orphanWarning, orphansOf } from './orphans.js';
import { removeContainer, stopContainer } from './remove.js';
import { anonymousVolumesOf, inheritAnonymousVolumes, removeVolumesQuietly } from './inherit-volumes.js';

export interface UpOptions extends PlanOptions {
  /** berth compose's version, for the labels. */
  version: string;
  /** Remove containers of services the project no longer has. */
  removeOrphans?: boolean;
  /** A warning (orphans left), as the CLI prints them (`WARN[0000] ...`). */
  warn: (message: string) => void;
  /** Only these services (and their dependencies); all when empty. */
  services?: string[];
  /** Create the containers but do not start them (`create`). */
  noStart?: boolean;
  /** Build the services' images even when they exist (`--build`). */
  build?: boolean;
  progress: Progress;
  /** The builder's output. */
  output: (text: string) => void;
  showBuildkit?: ImageOptions['showBuildkit'];
}

async function createContainer(
  client: EngineClient,
  plan: ContainerPlan,
  progress: Progress,
): Promise<ProjectContainer> {
  progress('Container', plan.name, 'Creating');
  const created = await client.containers.create(plan.body, { name: plan.name });
  for (const { network, endpoint } of plan.connect)
    await client.networks.connect(network, { Container: created.Id, EndpointConfig: endpoint });
  await injectFiles(client, created.Id, plan.files);
  progress('Container', plan.name, 'Created');
  const labels = plan.body.Labels ?? {};
  return {
    id: created.Id,
    name: plan.name,
    state: 'created',
    labels,
    service: labels[LABEL.service] ?? '',
    number: Number(labels[LABEL.containerNumber]),
  };
}

/** The services to bring up: those asked for and everything they depend on. */
function selected(project: Project, names: string[] | undefined): Set<string> {
  if (!names || names.length === 0) return new Set(Object.keys(project.services));
  const out = new Set<string>();
  const add = (name: string): void => {
    if (out.has(name)) return;
    if (!project.services[name]) throw new ComposeError(`no such service: ${name}`);
    out.add(name);
    for (const dep of Object.keys(project.services[name]?.dependsOn ?? {})) add(dep);
  };
  names.forEach(add);
  return out;
}

async function convergeService(
  client: EngineClient,
  project: Project,
  service: ServiceConfig,
  existing: ProjectContainer[],
  imageId: string | undefined,
  opts: UpOptions,
  beforeRecreate: () => Promise<void>,
): Promise<ProjectContainer[]> {
  const hash = serviceHash(service);
  const actions = planService(existing, service.replicas, hash, opts, imageId);
  if (actions.some((a) => a.kind === 'recreate')) await beforeRecreate();
  // The service's containers are independent of each other: converged together.
  const converged = await Promise.all(
    actions.map(async (action): Promise<ProjectContainer | undefined> => {
      if (action.kind === 'remove') {
        await removeContainer(
          client,
          action.container,
          { stopTimeout: service.stopGracePeriod, volumes: true },
          opts.progress,
        );
        return undefined;
      }
      const plan = containerPlan(project, service, action.number, hash, {
        version: opts.version,
        ...(imageId ? { imageId } : {}),
      });
      if (action.kind === 'recreate') {
        opts.progress('Container', action.container.name, 'Recreate');
        // The old container's anonymous volumes still wanted go to the new one; the rest go with the old one.
        const declared = new Set(Object.values(project.volumes).map((v) => v.name));
        const old = await anonymousVolumesOf(client, action.container.id, declared);
        const inherited = inheritAnonymousVolumes(plan, old);
        await removeContainer(
          client,
          action.container,
          { stopTimeout: service.stopGracePeriod, volumes: false },
          () => {},
        );
        await removeVolumesQuietly(
          client,
          [...old.values()].filter((name) => !inherited.reused.has(name)),
        );
        const created = await createContainer(client, inherited.plan, () => {});
        opts.progress('Container', plan.name, 'Recreated');
        return created;
      }
      if (action.kind === 'create') return createContainer(client, plan, opts.progress);
      if (action.kind === 'keep') opts.progress('Container', action.container.name, 'Running');
      return { ...action.container, service: service.name, number: action.number };
    }),
  );
  return converged.filter((c): c is ProjectContainer => c !== undefined);
}

/**
 * Before a service's containers are recreated, the running containers of the services that depend on it with
 * `restart: true` are stopped (Compose v2's "dependency being recreated"); they come after it in the order, so their
 * own convergence then starts them again (or recreates them) once the new containers meet the condition.
 */
async function stopRestartDependents(
  client: EngineClient,
  services: Record<string, ServiceConfig>,
  name: string,
  all: ProjectContainer[],
  progress: Progress,
): Promise<void> {
  const dependents = new Set(
    Object.values(services)
      .filter((s) => s.dependsOn[name]?.restart)
      .map((s) => s.name),
  );
  await Promise.all(
    all
      .filter((c) => dependents.has(c.service))
      .map(async (c) => {
        await stopContainer(client, c, services[c.service]?.stopGracePeriod, progress);
        c.state = 'exited';
      }),
  );
}

export async function up(client: EngineClient, project: Project, opts: UpOptions): Promise<void> {
  const wanted = selected(project, opts.services);
  const services = Object.fromEntries(Object.entries(project.services).filter(([name]) => wanted.has(name)));
  await ensureResources(client, { ...project, services }, opts.version, opts.progress);
  const all = await projectContainers(client, project.name);
  const orphans = orphansOf(project, all);
  if (orphans.length > 0) {
    if (opts.removeOrphans) for (const c of orphans) await removeContainer(client, c, { volumes: true }, opts.progress);
    else opts.warn(orphanWarning(orphans));
  }
  const order = dependencyOrder(services);
  const images = await ensureImages(
    client,
    order.map((name) => services[name] as ServiceConfig).filter((s) => s.replicas > 0),
    opts,
  );
  // Each service once its dependencies are up (created, started, their conditions met), independent ones together.
  const containers = new Map<string, ProjectContainer[]>();
  await eachInDependencyOrder(services, async (name) => {
    const service = services[name] as ServiceConfig;
    const mine = await convergeService(
      client,
      project,
      service,
      all.filter((c) => c.service === name),
      images.get(service.image),
      opts,
      () => stopRestartDependents(client, services, name, all, opts.progress),
    );
    containers.set(name, mine);
    if (opts.noStart) return;
    await waitForDependencies(client, service.dependsOn, (dep) => containers.get(dep) ?? [], opts.progress);
    await Promise.all(
      mine
        .filter((c) => c.state !== 'running')
        .map(async (c) => {
          opts.progress('Container', c.name, 'Starting');
          await client.containers.start(c.id);
          c.state = 'running';
          opts.progress('Container', c.name, 'Started');
        }),
    );
  });
}
