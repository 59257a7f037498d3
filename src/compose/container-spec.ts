// A service's container as the Engine API creates it: the create body (config, host config, the first network) and
// the other networks to connect before it starts. Pure: the same service and number always give the same request.
import type { ContainerCreateBody } from '../client/engine-types.js';
import { fileMountsOf, type InjectedFile } from './file-objects.js';
import { LABEL } from './labels.js';
import type { Logging, Project, Resources, ServiceConfig, ServiceNetwork } from './model.js';

type HostConfig = NonNullable<ContainerCreateBody['HostConfig']>;
type Mount = NonNullable<HostConfig['Mounts']>[number];
type Endpoint = NonNullable<NonNullable<ContainerCreateBody['NetworkingConfig']>['EndpointsConfig']>[string];

export interface ContainerPlan {
  name: string;
  body: ContainerCreateBody;
  /** Secrets and configs from the environment or inline content, written into the container before its start. */
  files: InjectedFile[];
  /** Networks (engine names) after the first, to connect before the start. */
  connect: { network: string; endpoint: Endpoint }[];
}

/** `<project>-<service>-<n>`, or the service's container_name. */
export function containerName(project: string, service: ServiceConfig, number: number): string {
  return service.containerName ?? `${project}-${service.name}-${number}`;
}

function restartPolicy(restart: string | undefined): HostConfig['RestartPolicy'] {
  if (!restart || restart === 'no') return { Name: 'no' };
  const [name, count] = restart.split(':');
  if (name === 'on-failure') return { Name: 'on-failure', MaximumRetryCount: Number(count ?? 0) };
  return { Name: name as 'always' | 'unless-stopped' };
}

function mountsOf(project: Project, service: ServiceConfig): { mounts: Mount[]; binds: string[]; anonymous: string[] } {
  const mounts: Mount[] = [];
  const binds: string[] = [];
  const anonymous: string[] = [];
  for (const v of service.volumes) {
    if (v.type === 'volume' && !v.source) anonymous.push(v.target);
    else if (v.type === 'volume')
      mounts.push({
        Type: 'volume',
        Source: project.volumes[v.source as string]?.name ?? v.source,
        Target: v.target,
        ReadOnly: v.readOnly,
        ...(v.nocopy ? { VolumeOptions: { NoCopy: true } } : {}),
      });
    else if (v.type === 'bind' && v.createHostPath) {
      // Binds (not Mounts) make a missing host directory, as create_host_path asks.
      const opts = [v.readOnly ? 'ro' : '', v.propagation ?? '', v.selinux ?? ''].filter(Boolean).join(',');
      binds.push(`${v.source}:${v.target}${opts ? `:${opts}` : ''}`);
    } else if (v.type === 'bind')
      mounts.push({
        Type: 'bind',
        Source: v.source,
        Target: v.target,
        ReadOnly: v.readOnly,
        ...(v.propagation ? { BindOptions: { Propagation: v.propagation as 'private' } } : {}),
      });
    else
      mounts.push({
        Type: 'tmpfs',
        Target: v.target,
        ReadOnly: v.readOnly,
        ...(v.size !== undefined || v.mode !== undefined
          ? {
              TmpfsOptions: {
                ...(v.size !== undefined ? { SizeBytes: v.size } : {}),
                ...(v.mode !== undefined ? { Mode: v.mode } : {}),
              },
            }
          : {}),
      });
  }
  return { mounts, binds, anonymous };
}

/** `name` is given for service containers; one-off ones get no aliases (as `compose run` without --use-aliases). */
function endpoint(service: ServiceConfig, name: string | undefined, cfg: ServiceNetwork): Endpoint {
  const ep: Endpoint = name ? { Aliases: [name, service.name, ...cfg.aliases] } : {};
  if (cfg.ipv4Address || cfg.ipv6Address)
    ep.IPAMConfig = {
      ...(cfg.ipv4Address ? { IPv4Address: cfg.ipv4Address } : {}),
      ...(cfg.ipv6Address ? { IPv6Address: cfg.ipv6Address } : {}),
    };
  return ep;
}

export interface ProjectLabels {
  /** berth compose's version, for com.docker.compose.version. */
  version: string;
  /** The image's ID, for com.docker.compose.image. */
  imageId?: string;
  /** A one-off container (`run`): its slug names it `<project>-<service>-run-<slug>`. */
  oneoffSlug?: string;
}

export function containerPlan(
  project: Project,
  service: ServiceConfig,
  number: number,
  hash: string,
  meta: ProjectLabels,
): ContainerPlan {
  const name = meta.oneoffSlug
    ? `${project.name}-${service.name}-run-${meta.oneoffSlug.slice(0, 12)}`
    : containerName(project.name, service, number);
  const labels: Record<string, string> = {
    ...service.labels,
    [LABEL.project]: project.name,
    [LABEL.service]: service.name,
    [LABEL.containerNumber]: String(number),
    [LABEL.configHash]: hash,
    [LABEL.workingDir]: project.workingDir,
    [LABEL.configFiles]: project.configFiles.join(','),
    ...(project.envFiles ? { [LABEL.environmentFile]: project.envFiles.join(',') } : {}),
    [LABEL.oneoff]: meta.oneoffSlug ? 'True' : 'False',
    ...(meta.oneoffSlug ? { [LABEL.slug]: meta.oneoffSlug } : {}),
    ...(meta.imageId ? { [LABEL.image]: meta.imageId } : {}),
    [LABEL.dependsOn]: Object.entries(service.dependsOn)
      .map(([dep, d]) => `${dep}:${d.condition}:${d.restart}`)
      .join(','),
    [LABEL.version]: meta.version,
  };
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: NonNullable<HostConfig['PortBindings']> = {};
  for (const p of service.ports) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp ?? '', HostPort: p.published ?? '' });
  }
  for (const e of service.expose) exposed[e.includes('/') ? e : `${e}/tcp`] = {};
  const { mounts, binds, anonymous } = mountsOf(project, service);
  const objects = fileMountsOf(service.secrets, service.configs, project);
  for (const b of objects.binds) mounts.push({ Type: 'bind', Source: b.source, Target: b.target, ReadOnly: true });
  const networks = Object.entries(service.networks).map(([key, cfg]) => ({
    network: project.networks[key]?.name ?? key,
    endpoint: endpoint(service, meta.oneoffSlug ? undefined : name, cfg),
  }));
  const [first, ...rest] = networks;
  const host: HostConfig = {
    RestartPolicy: restartPolicy(service.restart),
    Privileged: service.privileged,
    ReadonlyRootfs: service.readOnly,
    ...(service.init !== undefined ? { Init: service.init } : {}),
    ...(service.capAdd.length ? { CapAdd: service.capAdd } : {}),
    ...(service.capDrop.length ? { CapDrop: service.capDrop } : {}),
    ...(service.extraHosts.length ? { ExtraHosts: service.extraHosts } : {}),
    ...(service.tmpfs.length ? { Tmpfs: tmpfsMap(service.tmpfs) } : {}),
    ...(service.dns ? { Dns: service.dns } : {}),
    ...(service.dnsSearch ? { DnsSearch: service.dnsSearch } : {}),
    ...(service.dnsOpt ? { DnsOptions: service.dnsOpt } : {}),
    ...(service.sysctls ? { Sysctls: service.sysctls } : {}),
    ...(service.ulimits ? { Ulimits: service.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })) } : {}),
    ...(service.logging ? { LogConfig: logConfigOf(service.logging) } : {}),
    ...(service.devices
      ? {
          Devices: service.devices.map((d) => ({
            PathOnHost: d.source,
            PathInContainer: d.target,
            CgroupPermissions: d.permissions,
          })),
        }
      : {}),
    ...resourcesOf(service.resources),
    ...(Object.keys(bindings).length ? { PortBindings: bindings } : {}),
    ...(mounts.length ? { Mounts: mounts } : {}),
    ...(binds.length ? { Binds: binds } : {}),
    NetworkMode: first?.network ?? 'none',
  };
  const body: ContainerCreateBody = {
    Image: service.image,
    Env: Object.entries(service.environment).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    Tty: service.tty,
    OpenStdin: service.stdinOpen,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: host,
    ...(service.command ? { Cmd: service.command } : {}),
    ...(service.entrypoint ? { Entrypoint: service.entrypoint } : {}),
    ...(service.user !== undefined ? { User: service.user } : {}),
    ...(service.workingDir !== undefined ? { WorkingDir: service.workingDir } : {}),
    ...(service.hostname !== undefined ? { Hostname: service.hostname } : {}),
    ...(service.domainname !== undefined ? { Domainname: service.domainname } : {}),
    ...(service.stopSignal !== undefined ? { StopSignal: service.stopSignal } : {}),
    ...(service.stopGracePeriod !== undefined ? { StopTimeout: service.stopGracePeriod } : {}),
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    ...(anonymous.length ? { Volumes: Object.fromEntries(anonymous.map((t) => [t, {}])) } : {}),
    ...(service.healthcheck ? { Healthcheck: healthcheckBody(service) } : {}),
    ...(first ? { NetworkingConfig: { EndpointsConfig: { [first.network]: first.endpoint } } } : {}),
  };
  return { name, body, connect: rest, files: objects.files };
}

function tmpfsMap(entries: string[]): Record<string, string> {
  return Object.fromEntries(
    entries.map((e) => {
      const colon = e.indexOf(':');
      return colon < 0 ? [e, ''] : [e.slice(0, colon), e.slice(colon + 1)];
    }),
  );
}

function healthcheckBody(service: ServiceConfig): ContainerCreateBody['Healthcheck'] {
  const h = service.healthcheck;
  if (!h) return undefined;
  if (h.disable) return { Test: ['NONE'] };
  return {
    ...(h.test ? { Test: h.test } : {}),
    ...(h.interval !== undefined ? { Interval: h.interval } : {}),
    ...(h.timeout !== undefined ? { Timeout: h.timeout } : {}),
    ...(h.startPeriod !== undefined ? { StartPeriod: h.startPeriod } : {}),
    ...(h.startInterval !== undefined ? { StartInterval: h.startInterval } : {}),
    ...(h.retries !== undefined ? { Retries: h.retries } : {}),
  };
}

/** The swagger's Type enumerates a few drivers; engines take any they have (local, k8s-file, plugins), and '' is the
 * engine's default driver (Compose v2 sends the options with an empty Type when the file names no driver). */
function logConfigOf(logging: Logging): NonNullable<HostConfig['LogConfig']> {
  return { Type: (logging.driver ?? '') as NonNullable<HostConfig['LogConfig']>['Type'], Config: logging.options };
}

/** deploy.resources' HostConfig fields; a zero is not sent, as Compose v2 does not. */
function resourcesOf(r: Resources | undefined): Partial<HostConfig> {
  if (!r) return {};
  return {
    ...(r.nanoCpus ? { NanoCpus: r.nanoCpus } : {}),
    ...(r.memory ? { Memory: r.memory } : {}),
    ...(r.memoryReservation ? { MemoryReservation: r.memoryReservation } : {}),
    ...(r.pids ? { PidsLimit: r.pids } : {}),
  };
}
