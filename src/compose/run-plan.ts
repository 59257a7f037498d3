// `run`'s one-off container, pure: the service's container with the overrides `run` takes (command, environment,
// user, working directory, entrypoint), named `<project>-<service>-run-<slug>`, labelled com.docker.compose.oneoff=True,
// with the service's ports published only with --service-ports and no network aliases (as Compose v2 without
// --use-aliases).
import { serviceHash } from './config-hash.js';
import { containerPlan, type ContainerPlan } from './container-spec.js';
import { LABEL } from './labels.js';
import type { Project, ServiceConfig } from './model.js';

export interface RunOverrides {
  /** 64 hex digits; the name takes the first 12. */
  slug: string;
  command?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  user?: string;
  workdir?: string;
  servicePorts: boolean;
  /** --rm: the engine removes it when it exits (no restart policy then). */
  autoRemove: boolean;
  tty: boolean;
  interactive: boolean;
  name?: string;
  labels: Record<string, string>;
}

export function runPlan(
  project: Project,
  service: ServiceConfig,
  o: RunOverrides,
  meta: { version: string; imageId?: string },
): ContainerPlan {
  const oneoff: ServiceConfig = {
    ...service,
    environment: { ...service.environment, ...o.env },
    labels: { ...service.labels, ...o.labels },
    ports: o.servicePorts ? service.ports : [],
    tty: o.tty,
    stdinOpen: o.interactive,
    ...(o.command && o.command.length > 0 ? { command: o.command } : {}),
    ...(o.entrypoint ? { entrypoint: o.entrypoint } : {}),
    ...(o.user !== undefined ? { user: o.user } : {}),
    ...(o.workdir !== undefined ? { workingDir: o.workdir } : {}),
    ...(o.name !== undefined ? { containerName: o.name } : {}),
  };
  if (o.autoRemove) delete oneoff.restart;
  const plan = containerPlan(project, oneoff, 1, serviceHash(oneoff), { ...meta, oneoffSlug: o.slug });
  if (o.name !== undefined) plan.name = o.name;
  delete plan.body.Labels?.[LABEL.containerNumber];
  plan.body.AttachStdin = o.interactive;
  plan.body.AttachStdout = true;
  plan.body.AttachStderr = true;
  if (o.interactive) plan.body.StdinOnce = true;
  if (o.autoRemove && plan.body.HostConfig) plan.body.HostConfig.AutoRemove = true;
  return plan;
}
