// The merged data of the compose files (interpolated, validated, only keys berth honours) turned into the model:
// defaults filled in, short syntaxes expanded, env files read, relative paths resolved, the default network added.
import { ComposeError } from './errors.js';
import type { Lookup } from './interpolate.js';
import { parseDotenv } from './dotenv.js';
import { isAbsolute, join } from 'node:path';
import type {
  BuildConfig,
  BuildSecret,
  FileObject,
  Dependency,
  DependencyCondition,
  Healthcheck,
  NetworkConfig,
  Project,
  ServiceConfig,
  ServiceNetwork,
  VolumeConfig,
} from './model.js';
import { normaliseFileObjects, serviceFileMounts } from './file-objects.js';
import { parsePort } from './port-syntax.js';
import { devicesOf, loggingOf, resourcesOf } from './runtime-options.js';
import { commandOf, listOrDict, parseDuration, scalarText, tree, Tree } from './syntax.js';
import { hostPath, parseVolumeMount } from './volume-syntax.js';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(scalarText) : []);

export interface NormaliseContext {
  name: string;
  workingDir: string;
  configFiles: string[];
  /** The environment interpolation used (the shell's over `.env`): bare `environment` keys read it. */
  lookup: Lookup;
  /** An env file's text, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  /** Profiles enabled with `--profile` or COMPOSE_PROFILES. */
  profiles: string[];
  /** Options accepted but not applied (as Compose v2) are named here. */
  warn?: (message: string) => void;
}

export function normaliseProject(data: Tree, ctx: NormaliseContext): Project {
  const secrets = normaliseFileObjects('secrets', data.secrets, ctx.workingDir, ctx.lookup);
  const services: Record<string, ServiceConfig> = {};
  const disabled: string[] = [];
  for (const [name, raw] of Object.entries(tree(data.services))) {
    const service = normaliseService(name, tree(raw), ctx, secrets);
    const active =
      service.profiles.length === 0 ||
      service.profiles.some((p) => ctx.profiles.includes(p) || ctx.profiles.includes('*'));
    if (active) services[name] = service;
    else disabled.push(name);
  }
  for (const service of Object.values(services))
    for (const [dep, d] of Object.entries(service.dependsOn)) {
      if (services[dep]) continue;
      if (!d.required) delete service.dependsOn[dep];
      else if (disabled.includes(dep))
        throw new ComposeError(
          `service "${service.name}" depends on service "${dep}", which is disabled by its profiles`,
        );
      else throw new ComposeError(`service "${service.name}" depends on undefined service "${dep}"`);
    }
  const networks: Record<string, NetworkConfig> = {};
  for (const [key, raw] of Object.entries(tree(data.networks)))
    networks[key] = normaliseNetwork(key, tree(raw), ctx.name);
  const usesDefault = Object.values(services).some((s) => 'default' in s.networks);
  if (usesDefault && !networks.default) networks.default = normaliseNetwork('default', {}, ctx.name);
  const volumes: Record<string, VolumeConfig> = {};
  for (const [key, raw] of Object.entries(tree(data.volumes))) volumes[key] = normaliseVolume(key, tree(raw), ctx.name);
  for (const service of Object.values(services)) {
    for (const key of Object.keys(service.networks))
      if (!networks[key])
        throw new ComposeError(`service "${service.name}" refers to undefined network ${key}: invalid compose project`);
    for (const mount of service.volumes)
      if (mount.type === 'volume' && mount.source && !volumes[mount.source])
        throw new ComposeError(
          `service "${service.name}" refers to undefined volume ${mount.source}: invalid compose project`,
        );
  }
  const configs = normaliseFileObjects('configs', data.configs, ctx.workingDir, ctx.lookup);
  for (const service of Object.values(services)) {
    for (const m of service.secrets)
      if (!secrets[m.source])
        throw new ComposeError(
          `service "${service.name}" refers to undefined secret ${m.source}: invalid compose project`,
        );
    for (const m of service.configs)
      if (!configs[m.source])
        throw new ComposeError(
          `service "${service.name}" refers to undefined config ${m.source}: invalid compose project`,
        );
  }
  return {
    name: ctx.name,
    workingDir: ctx.workingDir,
    configFiles: ctx.configFiles,
    services,
    disabledServices: disabled,
    networks,
    volumes,
    secrets,
    configs,
  };
}

function environmentOf(name: string, raw: Tree, ctx: NormaliseContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of Array.isArray(raw.env_file) ? (raw.env_file as unknown[]) : []) {
    const spec =
      typeof entry === 'string' ? { path: entry, required: true } : (entry as { path: string; required?: boolean });
    const path = hostPath(spec.path, ctx.workingDir);
    const text = ctx.readFile(path);
    if (text === undefined) {
      if (spec.required === false) continue;
      throw new ComposeError(`service "${name}": env file ${path} not found`);
    }
    for (const [k, v] of parseDotenv(text, path, ctx.lookup)) env[k] = v;
  }
  return { ...env, ...listOrDict(raw.environment, ctx.lookup) };
}

function dependsOnOf(raw: Tree): Record<string, Dependency> {
  const out: Record<string, Dependency> = {};
  for (const [dep, cfg] of Object.entries(tree(raw.depends_on))) {
    const c = tree(cfg);
    out[dep] = {
      condition: (c.condition as DependencyCondition | undefined) ?? 'service_started',
      restart: c.restart === true,
      required: c.required !== false,
    };
  }
  return out;
}

function healthcheckOf(raw: unknown, where: string): Healthcheck | undefined {
  if (raw === undefined || raw === null) return undefined;
  const h = tree(raw);
  const check: Healthcheck = { disable: h.disable === true };
  if (typeof h.test === 'string') check.test = ['CMD-SHELL', h.test];
  else if (Array.isArray(h.test)) check.test = h.test.map(String);
  if (check.test?.[0] === 'NONE') check.disable = true;
  const d = (k: string): number | undefined =>
    h[k] === undefined ? undefined : parseDuration(h[k] as string, `${where}.${k}`);
  const interval = d('interval');
  const timeout = d('timeout');
  const startPeriod = d('start_period');
  const startInterval = d('start_interval');
  if (interval !== undefined) check.interval = interval;
  if (timeout !== undefined) check.timeout = timeout;
  if (startPeriod !== undefined) check.startPeriod = startPeriod;
  if (startInterval !== undefined) check.startInterval = startInterval;
  if (h.retries !== undefined) check.retries = Number(h.retries);
  return check;
}

function networksOf(raw: Tree): Record<string, ServiceNetwork> {
  if (raw.networks === undefined) return { default: { aliases: [] } };
  const out: Record<string, ServiceNetwork> = {};
  for (const [key, cfg] of Object.entries(tree(raw.networks))) {
    const c = tree(cfg);
    const net: ServiceNetwork = { aliases: strings(c.aliases) };
    if (typeof c.ipv4_address === 'string') net.ipv4Address = c.ipv4_address;
    if (typeof c.ipv6_address === 'string') net.ipv6Address = c.ipv6_address;
    out[key] = net;
  }
  return out;
}

/** `build.secrets` (names or long syntax) resolved against the top-level secrets. As Compose v2, the ID the
 * Dockerfile names is `target` (default: the source), and uid/gid/mode, which BuildKit has no way to take from the
 * client, are named in a warning and not applied. */
function buildSecretsOf(
  raw: unknown,
  service: string,
  secrets: Record<string, FileObject>,
  ctx: NormaliseContext,
): BuildSecret[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((entry: unknown) => {
    const e = typeof entry === 'string' ? { source: entry } : tree(entry);
    const source = scalarText(e.source);
    const value = secrets[source];
    if (!value)
      throw new ComposeError(
        `service "${service}" refers to undefined build secret ${source}: invalid compose project`,
      );
    const ignored = ['uid', 'gid', 'mode'].filter((k) => e[k] !== undefined);
    if (ignored.length > 0)
      ctx.warn?.(
        `services.${service}.build.secrets (${source}): ${ignored.join(', ')} not applied: BuildKit mounts build secrets with its own owner and mode (as Compose v2, which ignores them)`,
      );
    return { id: typeof e.target === 'string' && e.target ? e.target : source, source, value };
  });
}

/** `build` as a string (the context) or a mapping; paths resolved against the project directory. */
function buildOf(
  raw: unknown,
  named: boolean,
  service: string,
  ctx: NormaliseContext,
  secrets: Record<string, FileObject>,
): BuildConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  const b = typeof raw === 'string' ? { context: raw } : tree(raw);
  const context = hostPath(typeof b.context === 'string' ? b.context : '.', ctx.workingDir);
  const dockerfile = typeof b.dockerfile === 'string' ? b.dockerfile : 'Dockerfile';
  const args: Record<string, string> = {};
  // A bare name takes its value from the environment; unset, it is not passed (the Dockerfile's default holds).
  const given = Array.isArray(b.args)
    ? (b.args as unknown[]).map((a) => {
        const text = scalarText(a);
        const eq = text.indexOf('=');
        return eq < 0 ? ([text, undefined] as const) : ([text.slice(0, eq), text.slice(eq + 1)] as const);
      })
    : Object.entries(tree(b.args)).map(([k, v]) => [k, v === null ? undefined : scalarText(v)] as const);
  for (const [k, v] of given) {
    const value = v ?? ctx.lookup(k);
    if (value !== undefined) args[k] = value;
  }
  return {
    context,
    dockerfile: isAbsolute(dockerfile) ? dockerfile : join(context, dockerfile),
    args,
    ...(typeof b.target === 'string' ? { target: b.target } : {}),
    labels: listOrDict(b.labels, () => ''),
    secrets: buildSecretsOf(b.secrets, service, secrets, ctx),
    named,
  };
}

function normaliseService(
  name: string,
  raw: Tree,
  ctx: NormaliseContext,
  secrets: Record<string, FileObject>,
): ServiceConfig {
  const where = `services.${name}`;
  const named = typeof raw.image === 'string' && raw.image !== '';
  const build = buildOf(raw.build, named, name, ctx, secrets);
  const image = named ? (raw.image as string) : build ? `${ctx.name}-${name}` : '';
  if (!image)
    throw new ComposeError(
      `service "${name}" has neither an image nor a build context specified: invalid compose project`,
    );
  const replicas = tree(raw.deploy).replicas ?? raw.scale ?? 1;
  const service: ServiceConfig = {
    name,
    image,
    ...(build ? { build } : {}),
    environment: environmentOf(name, raw, ctx),
    ports: (Array.isArray(raw.ports) ? raw.ports : []).flatMap((p: unknown, i) => parsePort(p, `${where}.ports[${i}]`)),
    expose: strings(raw.expose),
    volumes: (Array.isArray(raw.volumes) ? raw.volumes : []).map((v: unknown, i) =>
      parseVolumeMount(v, ctx.workingDir, `${where}.volumes[${i}]`),
    ),
    networks: networksOf(raw),
    dependsOn: dependsOnOf(raw),
    labels: listOrDict(raw.labels, () => ''),
    extraHosts: strings(raw.extra_hosts).map((h) => h.replace('=', ':')),
    capAdd: strings(raw.cap_add),
    capDrop: strings(raw.cap_drop),
    privileged: raw.privileged === true,
    readOnly: raw.read_only === true,
    tmpfs: strings(raw.tmpfs),
    replicas: Number(replicas),
    profiles: strings(raw.profiles),
    tty: raw.tty === true,
    stdinOpen: raw.stdin_open === true,
    secrets: serviceFileMounts('secrets', raw.secrets),
    configs: serviceFileMounts('configs', raw.configs),
  };
  const command = commandOf(raw.command, `${where}.command`);
  if (command) service.command = command;
  const entrypoint = commandOf(raw.entrypoint, `${where}.entrypoint`);
  if (entrypoint) service.entrypoint = entrypoint;
  const healthcheck = healthcheckOf(raw.healthcheck, `${where}.healthcheck`);
  if (healthcheck) service.healthcheck = healthcheck;
  const oneOrMany = (v: unknown): string[] => (typeof v === 'string' ? [v] : strings(v));
  if (raw.dns !== undefined) service.dns = oneOrMany(raw.dns);
  if (raw.dns_search !== undefined) service.dnsSearch = oneOrMany(raw.dns_search);
  if (raw.dns_opt !== undefined) service.dnsOpt = strings(raw.dns_opt);
  if (raw.sysctls !== undefined) service.sysctls = listOrDict(raw.sysctls, () => '');
  if (raw.ulimits !== undefined)
    service.ulimits = Object.entries(tree(raw.ulimits)).map(([ulimit, v]) => {
      const limits = tree(v);
      const soft = typeof v === 'object' && v !== null ? limits.soft : v;
      const hard = typeof v === 'object' && v !== null ? limits.hard : v;
      return { name: ulimit, soft: Number(soft), hard: Number(hard) };
    });
  const logging = loggingOf(raw.logging);
  if (logging) service.logging = logging;
  const devices = devicesOf(raw.devices, where);
  if (devices) service.devices = devices;
  const resources = resourcesOf(raw.deploy, where, ctx.warn);
  if (resources) service.resources = resources;
  if (raw.restart !== undefined) service.restart = String(raw.restart);
  if (raw.user !== undefined) service.user = scalarText(raw.user);
  if (typeof raw.working_dir === 'string') service.workingDir = raw.working_dir;
  if (typeof raw.hostname === 'string') service.hostname = raw.hostname;
  if (typeof raw.domainname === 'string') service.domainname = raw.domainname;
  if (typeof raw.init === 'boolean') service.init = raw.init;
  if (typeof raw.stop_signal === 'string') service.stopSignal = raw.stop_signal;
  if (raw.stop_grace_period !== undefined)
    service.stopGracePeriod = Math.ceil(
      parseDuration(raw.stop_grace_period as string, `${where}.stop_grace_period`) / 1e9,
    );
  if (typeof raw.container_name === 'string') {
    if (service.replicas > 1)
      throw new ComposeError(`services.${name}: can't set container_name and ${name} as container name must be unique`);
    service.containerName = raw.container_name;
  }
  if (!Number.isInteger(service.replicas) || service.replicas < 0)
    throw new ComposeError(`${where}.deploy.replicas must be a non-negative integer`);
  return service;
}

function labelsAndOpts(raw: Tree): { driverOpts: Record<string, string>; labels: Record<string, string> } {
  return { driverOpts: listOrDict(raw.driver_opts, () => ''), labels: listOrDict(raw.labels, () => '') };
}

function externalName(key: string, raw: Tree, project: string): { name: string; external: boolean } {
  const external = raw.external === true || (typeof raw.external === 'object' && raw.external !== null);
  const legacy = tree(raw.external).name;
  const name =
    typeof raw.name === 'string'
      ? raw.name
      : typeof legacy === 'string'
        ? legacy
        : external
          ? key
          : `${project}_${key}`;
  return { name, external };
}

function normaliseNetwork(key: string, raw: Tree, project: string): NetworkConfig {
  const net: NetworkConfig = {
    ...externalName(key, raw, project),
    ...labelsAndOpts(raw),
    internal: raw.internal === true,
    attachable: raw.attachable === true,
  };
  if (typeof raw.driver === 'string') net.driver = raw.driver;
  if (typeof raw.enable_ipv6 === 'boolean') net.enableIpv6 = raw.enable_ipv6;
  if (raw.ipam !== undefined) {
    const ipam = tree(raw.ipam);
    net.ipam = {
      ...(typeof ipam.driver === 'string' ? { driver: ipam.driver } : {}),
      config: (Array.isArray(ipam.config) ? ipam.config : []).map((c: unknown) => {
        const t = tree(c);
        return {
          ...(typeof t.subnet === 'string' ? { subnet: t.subnet } : {}),
          ...(typeof t.gateway === 'string' ? { gateway: t.gateway } : {}),
          ...(typeof t.ip_range === 'string' ? { ipRange: t.ip_range } : {}),
        };
      }),
    };
  }
  return net;
}

function normaliseVolume(key: string, raw: Tree, project: string): VolumeConfig {
  const vol: VolumeConfig = { ...externalName(key, raw, project), ...labelsAndOpts(raw) };
  if (typeof raw.driver === 'string') vol.driver = raw.driver;
  return vol;
}
