// What berth compose honours of the Compose Specification so far. Anything else present in a file is refused by
// name (never silently dropped), so a file either runs as written or says what it needs.
import { ComposeError } from './errors.js';
import type { KeyPath } from './interpolate.js';
import type { SourceFile } from './source-file.js';
import { isTree, Tree } from './syntax.js';

export const TOP_LEVEL = new Set([
  'version',
  'name',
  'services',
  'networks',
  'volumes',
  'secrets',
  'configs',
  'include',
]);

export const SERVICE_KEYS = new Set([
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'ports',
  'expose',
  'volumes',
  'networks',
  'depends_on',
  'healthcheck',
  'restart',
  'labels',
  'user',
  'working_dir',
  'hostname',
  'domainname',
  'extra_hosts',
  'cap_add',
  'cap_drop',
  'privileged',
  'read_only',
  'init',
  'stop_signal',
  'stop_grace_period',
  'tmpfs',
  'dns',
  'dns_search',
  'dns_opt',
  'sysctls',
  'ulimits',
  'logging',
  'devices',
  'deploy',
  'scale',
  'container_name',
  'profiles',
  'tty',
  'stdin_open',
  'secrets',
  'configs',
  'extends',
]);

export const BUILD_KEYS = new Set(['context', 'dockerfile', 'args', 'target', 'labels', 'secrets']);
export const DEPLOY_KEYS = new Set(['replicas', 'mode', 'resources']);
export const RESOURCES_KEYS = new Set(['limits', 'reservations']);
export const LIMITS_KEYS = new Set(['cpus', 'memory', 'pids']);
/** reservations.cpus is read and, as Compose v2 does outside a swarm, not sent; devices (GPUs) berth cannot give. */
export const RESERVATIONS_KEYS = new Set(['cpus', 'memory']);
export const SERVICE_NETWORK_KEYS = new Set(['aliases', 'ipv4_address', 'ipv6_address']);
export const NETWORK_KEYS = new Set([
  'name',
  'external',
  'driver',
  'driver_opts',
  'labels',
  'internal',
  'attachable',
  'enable_ipv6',
  'ipam',
]);
export const VOLUME_KEYS = new Set(['name', 'external', 'driver', 'driver_opts', 'labels']);
export const HEALTHCHECK_KEYS = new Set([
  'test',
  'interval',
  'timeout',
  'start_period',
  'start_interval',
  'retries',
  'disable',
]);
/** Secrets and configs from files or the environment; `external` ones live in a swarm, which berth is not. */
export const SECRET_KEYS = new Set(['name', 'file', 'environment', 'labels']);
export const CONFIG_KEYS = new Set(['name', 'file', 'environment', 'content', 'labels']);
export const DEPENDS_ON_KEYS = new Set(['condition', 'restart', 'required']);

/** Throws for the first key of `value` outside `known` (extensions `x-*` are always allowed). */
function refuseUnknown(file: SourceFile, value: unknown, known: ReadonlySet<string>, keys: KeyPath): void {
  if (!isTree(value)) return;
  for (const key of Object.keys(value)) {
    if (key.startsWith('x-') || known.has(key)) continue;
    const path = [...keys, key];
    throw new ComposeError(`${file.where(path)}: ${path.join('.')} is not supported by berth compose yet`);
  }
}

const entries = (v: unknown): [string, unknown][] => (isTree(v) ? Object.entries(v) : []);

/** Refuses, with its file, line and key, the first thing in a (validated) file that berth compose does not honour. */
export function refuseUnsupported(file: SourceFile, data: Tree): void {
  for (const [name, service] of entries(data.services)) {
    const at = ['services', name];
    refuseUnknown(file, service, SERVICE_KEYS, at);
    if (!isTree(service)) continue;
    refuseUnknown(file, service.deploy, DEPLOY_KEYS, [...at, 'deploy']);
    if (isTree(service.deploy) && service.deploy.mode !== undefined && service.deploy.mode !== 'replicated')
      throw new ComposeError(
        `${file.where([...at, 'deploy', 'mode'])}: deploy.mode ${String(service.deploy.mode)} is not supported by berth compose yet`,
      );
    const resources = isTree(service.deploy) ? service.deploy.resources : undefined;
    refuseUnknown(file, resources, RESOURCES_KEYS, [...at, 'deploy', 'resources']);
    if (isTree(resources)) {
      refuseUnknown(file, resources.limits, LIMITS_KEYS, [...at, 'deploy', 'resources', 'limits']);
      refuseUnknown(file, resources.reservations, RESERVATIONS_KEYS, [...at, 'deploy', 'resources', 'reservations']);
    }
    refuseUnknown(file, service.build, BUILD_KEYS, [...at, 'build']);
    refuseUnknown(file, service.healthcheck, HEALTHCHECK_KEYS, [...at, 'healthcheck']);
    for (const [net, cfg] of entries(service.networks))
      refuseUnknown(file, cfg, SERVICE_NETWORK_KEYS, [...at, 'networks', net]);
    for (const [dep, cfg] of entries(service.depends_on))
      refuseUnknown(file, cfg, DEPENDS_ON_KEYS, [...at, 'depends_on', dep]);
  }
  refuseUnknown(file, data, TOP_LEVEL, []);
  for (const [name, net] of entries(data.networks)) refuseUnknown(file, net, NETWORK_KEYS, ['networks', name]);
  for (const [name, vol] of entries(data.volumes)) refuseUnknown(file, vol, VOLUME_KEYS, ['volumes', name]);
  for (const [name, secret] of entries(data.secrets)) refuseUnknown(file, secret, SECRET_KEYS, ['secrets', name]);
  for (const [name, config] of entries(data.configs)) refuseUnknown(file, config, CONFIG_KEYS, ['configs', name]);
}
