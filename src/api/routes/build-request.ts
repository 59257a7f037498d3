// The classic builder's query parameters and headers (POST /build) as a BuildRequest. Every parameter of
// dockerd's build route is either honoured or, with a value berth cannot honour, refused by name with 400.
import { invalidArgument } from '../../core/errdefs.js';
import { hostPlatform, normalizePlatform, formatPlatform, type Platform } from '../../core/remotes/platform.js';
import type { RegistryCredentials } from '../../core/remotes/registry-client.js';
import { domainOf } from '../../engine/images/registry-images.js';
import type { BuildRequest, RemoveContainers, RunHostConfig } from '../../builder/ports.js';
import type { Ulimit } from '../../spec/docker/containers.js';
import { credentialsOf, type AuthConfig } from '../compat/registry-auth.js';
import { queryBool, queryInt, queryList, queryString, type Query } from '../server/query.js';

function jsonParam(q: Query, key: string, what: string): unknown {
  const raw = queryString(q, key);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw invalidArgument(`error reading ${what}: ${(err as Error).message}`);
  }
}

function jsonMap<T>(q: Query, key: string, what: string, isValue: (v: unknown) => boolean): Record<string, T> {
  const value = jsonParam(q, key, what);
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every(isValue))
    throw invalidArgument(`error reading ${what}: ${key} must be a JSON object of strings`);
  return value as Record<string, T>;
}

function cacheFrom(q: Query): string[] {
  const value = jsonParam(q, 'cachefrom', 'cache-from images');
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw invalidArgument('error reading cache-from images: cachefrom must be a JSON array of strings');
  return value as string[];
}

function ulimits(q: Query): Ulimit[] | undefined {
  const value = jsonParam(q, 'ulimits', 'ulimit settings');
  if (value === undefined || value === null) return undefined;
  const ok = (u: unknown): boolean =>
    typeof u === 'object' &&
    u !== null &&
    typeof (u as Ulimit).Name === 'string' &&
    Number.isInteger((u as Ulimit).Soft) &&
    Number.isInteger((u as Ulimit).Hard);
  if (!Array.isArray(value) || !value.every(ok))
    throw invalidArgument('error reading ulimit settings: ulimits must be a JSON array of {"Name","Soft","Hard"}');
  return value as Ulimit[];
}

/** The architectures this host runs natively (berth does not emulate others). */
function runnable(host: Platform): Platform[] {
  const extra: Record<string, Platform[]> = {
    amd64: [{ os: 'linux', architecture: '386' }],
    arm64: [normalizePlatform({ os: 'linux', architecture: 'arm' })],
  };
  return [host, ...(extra[host.architecture] ?? [])];
}

/** platform=os[/arch[/variant]]: parsed as dockerd parses it; one this host cannot run is refused. */
export function buildPlatform(
  spec: string | undefined,
  host: Platform = hostPlatform(process.arch),
): Platform | undefined {
  if (!spec) return undefined;
  const parts = spec.trim().split('/');
  if (parts.length > 3 || parts.some((p) => p === '' || !/^[A-Za-z0-9_.-]+$/.test(p)))
    throw invalidArgument(`"${spec}": cannot parse platform specifier: invalid argument`);
  const [os = '', architecture = host.architecture, variant] = parts;
  const wanted = normalizePlatform({
    os,
    architecture,
    ...(variant ? { variant } : parts.length === 1 ? { variant: host.variant } : {}),
  });
  if (wanted.os !== 'linux') throw invalidArgument(`platform ${spec}: operating system is not supported`);
  const ok = runnable(host).some(
    (p) =>
      p.architecture === wanted.architecture &&
      (p.variant === undefined || wanted.variant === undefined || p.variant === wanted.variant),
  );
  if (!ok)
    throw invalidArgument(
      `platform ${formatPlatform(wanted)} is not supported: this host runs ${runnable(host).map(formatPlatform).join(', ')} and berth does not emulate other architectures`,
    );
  return wanted;
}

/** X-Registry-Config: base64url JSON map of registry -> auth config; unreadable means none, as dockerd. */
export function registryConfig(header: string | string[] | undefined): Record<string, RegistryCredentials> {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return {};
  let map: unknown;
  try {
    map = JSON.parse(Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  } catch {
    return {};
  }
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return {};
  const out: Record<string, RegistryCredentials> = {};
  for (const [key, config] of Object.entries(map as Record<string, AuthConfig>)) {
    const credentials = typeof config === 'object' && config !== null ? credentialsOf(config) : undefined;
    if (credentials) out[domainOf(key)] = credentials;
  }
  return out;
}

function removeMode(q: Query): RemoveContainers {
  if (queryBool(q, 'forcerm')) return 'always';
  return queryBool(q, 'rm', true) ? 'on-success' : 'never';
}

function runHostConfig(q: Query): RunHostConfig {
  const hc: RunHostConfig = {};
  const int = (key: string): number | undefined => queryInt(q, key);
  const extraHosts = queryList(q, 'extrahosts').filter(Boolean);
  if (extraHosts.length > 0) hc.ExtraHosts = extraHosts;
  const set = <K extends keyof RunHostConfig>(key: K, value: RunHostConfig[K] | undefined): void => {
    if (value !== undefined && value !== '' && value !== 0) hc[key] = value;
  };
  set('ShmSize', int('shmsize'));
  set('Memory', int('memory'));
  set('MemorySwap', int('memswap'));
  set('CpuShares', int('cpushares'));
  set('CpuPeriod', int('cpuperiod'));
  set('CpuQuota', int('cpuquota'));
  set('CpusetCpus', queryString(q, 'cpusetcpus'));
  set('CpusetMems', queryString(q, 'cpusetmems'));
  set('CgroupParent', queryString(q, 'cgroupparent'));
  const limits = ulimits(q);
  if (limits && limits.length > 0) hc.Ulimits = limits;
  return hc;
}

/** Parameters berth cannot honour: refused by name unless they carry their default. */
function refuseUnsupported(q: Query): void {
  const remote = queryString(q, 'remote');
  if (remote)
    throw invalidArgument(
      `remote build contexts are not supported (remote=${remote}): send the context as the request body`,
    );
  if (queryList(q, 'securityopt').length > 0)
    throw invalidArgument('The daemon on this platform does not support setting security options on build');
  if (queryBool(q, 'squash')) throw invalidArgument('squash is only supported with experimental mode');
  const isolation = queryString(q, 'isolation') ?? '';
  if (isolation !== '' && isolation.toLowerCase() !== 'default')
    throw invalidArgument(`Unsupported isolation: ${JSON.stringify(isolation)}`);
  const version = queryString(q, 'version') ?? '';
  if (version !== '' && version !== '1' && version !== '2') throw invalidArgument(`invalid version ${version}`);
  if (version !== '2' && queryString(q, 'session'))
    throw invalidArgument(
      'session is not supported by the classic builder: a build session (BuildKit, or a context streamed over a session) cannot be attached',
    );
  const outputs = jsonParam(q, 'outputs', 'outputs');
  if (outputs !== undefined && outputs !== null && !(Array.isArray(outputs) && outputs.length === 0))
    throw invalidArgument('outputs are not supported by the classic builder: it stores the image in the engine');
}

/** version=2: BuildKit's protocol (progress as `moby.buildkit.trace` aux messages), with the client's session
 * (its registry credentials) when one is named. */
export function buildkitProtocol(query: Query): { session: string | undefined } | undefined {
  const q = firstValues(query);
  if (queryString(q, 'version') !== '2') return undefined;
  return { session: queryString(q, 'session') || undefined };
}

/** Go's FormValue takes a repeated parameter's first value (docker-py 5 sends `dockerfile` twice: name, then text). */
function firstValues(q: Query): Query {
  const lists = new Set(['t', 'extrahosts', 'securityopt']);
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Array.isArray(v) && !lists.has(k) ? v[0] : v]));
}

export function buildRequest(query: Query, headers: Record<string, string | string[] | undefined>): BuildRequest {
  const q = firstValues(query);
  refuseUnsupported(q);
  return {
    dockerfile: queryString(q, 'dockerfile') || undefined,
    tags: queryList(q, 't').filter(Boolean),
    buildArgs: jsonMap<string | null>(q, 'buildargs', 'build args', (v) => v === null || typeof v === 'string'),
    labels: jsonMap<string>(q, 'labels', 'labels', (v) => typeof v === 'string'),
    target: queryString(q, 'target') || undefined,
    noCache: queryBool(q, 'nocache'),
    networkMode: queryString(q, 'networkmode') || undefined,
    quiet: queryBool(q, 'q'),
    pull: queryBool(q, 'pull'),
    cacheFrom: cacheFrom(q),
    platform: buildPlatform(queryString(q, 'platform')),
    registryAuth: registryConfig(headers['x-registry-config']),
    runHostConfig: runHostConfig(q),
    remove: removeMode(q),
    buildId: queryString(q, 'buildid') || undefined,
  };
}
