// Where a pull goes, in the layouts both ecosystems know. containerd's hosts directory, DIR/<domain>/hosts.toml
// (else DIR/_default/hosts.toml) as kubelet operators write it for containerd: every `[host."URL"]` in the order
// listed (with its `capabilities`: resolve for names, pull for content), then `server`, which is the domain's own
// host when not given; so a mirror named as `server` is the only endpoint, and the public host is never
// contacted. Read at each repository lookup (small files; an edit needs no restart). dockerd's `registry-mirrors`:
// Docker Hub pulls try each mirror in order, then Docker Hub itself.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { invalidArgument } from '../../core/errdefs.js';
import { registryHost } from '../../core/remotes/registry-host.js';

export type Capability = 'pull' | 'resolve' | 'push';

export interface RegistryEndpoint {
  /** "http" or "https" from a configured URL; absent for the domain's own host (https, or probed where allowed). */
  scheme?: 'http' | 'https';
  /** host[:port] */
  host: string;
  /** Where the distribution API lives on the host: "/v2", "<path>/v2" under a URL's path, or the path itself. */
  apiRoot: string;
  capabilities: Capability[];
}

const ALL: Capability[] = ['pull', 'resolve', 'push'];

/** The known keys of a host table; any other is refused by name (berth cannot honour it). */
const HOST_KEYS = new Set(['capabilities', 'override_path']);

/** containerd's API root: the URL's path with /v2 added (unless it ends so), or as is with `override_path`. */
const apiRootOf = (pathname: string, overridePath: boolean): string => {
  const path = pathname.replace(/\/+$/, '');
  if (overridePath) return path;
  return path.endsWith('/v2') ? path : `${path}/v2`;
};

function refuseUnknownKeys(table: Record<string, unknown>, what: string, file: string): void {
  for (const key of Object.keys(table))
    if (!HOST_KEYS.has(key) && key !== 'server' && key !== 'host')
      throw invalidArgument(`${file}: "${key}" of ${what} is not supported by berth`);
}

function endpointOf(url: string, table: Record<string, unknown>, file: string): RegistryEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument(`${file}: "${url}" is not a URL (http://host[:port][/path] or https://…)`);
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search || parsed.hash)
    throw invalidArgument(`${file}: "${url}": only http(s)://host[:port][/path] is supported`);
  refuseUnknownKeys(table, `"${url}"`, file);
  const caps = table.capabilities === undefined ? ALL : table.capabilities;
  if (!Array.isArray(caps) || !caps.every((c): c is Capability => ALL.includes(c as Capability)))
    throw invalidArgument(`${file}: capabilities of "${url}" must be a list of "pull", "resolve", "push"`);
  if (table.override_path !== undefined && typeof table.override_path !== 'boolean')
    throw invalidArgument(`${file}: override_path of "${url}" must be true or false`);
  return {
    scheme: parsed.protocol === 'http:' ? 'http' : 'https',
    // containerd's name for Docker Hub's API host.
    host: parsed.host === 'docker.io' ? registryHost('docker.io') : parsed.host,
    apiRoot: apiRootOf(parsed.pathname, table.override_path === true),
    capabilities: caps,
  };
}

/** The domain's own host: the distribution API at /v2, scheme found by the client. */
const ownHost = (domain: string): RegistryEndpoint => ({
  host: registryHost(domain),
  apiRoot: '/v2',
  capabilities: ALL,
});

/** containerd's directory names for a host: host_port_ and host:port for one with a port, then _default. */
function hostsFile(dir: string, domain: string): string | undefined {
  const colon = domain.lastIndexOf(':');
  const names = colon > 0 ? [`${domain.slice(0, colon)}_${domain.slice(colon + 1)}_`, domain] : [domain];
  for (const name of [...names, '_default']) {
    const file = join(dir, name, 'hosts.toml');
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * The endpoints hosts.toml gives `domain`: its hosts in order, then `server` (the domain's own host when not
 * given); undefined when there is no file.
 */
export function readRegistryHosts(dir: string, domain: string): RegistryEndpoint[] | undefined {
  const file = hostsFile(dir, domain);
  if (!file) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw invalidArgument(`${file}: ${(err as Error).message}`);
  }
  const out: RegistryEndpoint[] = [];
  const hosts = (doc.host ?? {}) as Record<string, Record<string, unknown>>;
  for (const [url, table] of Object.entries(hosts)) out.push(endpointOf(url, table ?? {}, file));
  if (doc.server !== undefined && typeof doc.server !== 'string')
    throw invalidArgument(`${file}: server must be a URL`);
  // The root table's keys are the server's (the domain's own host when no server is named).
  const root = { capabilities: doc.capabilities, override_path: doc.override_path };
  refuseUnknownKeys(doc, 'the server', file);
  const server = endpointOf(doc.server ?? `https://${registryHost(domain)}`, root, file);
  out.push(doc.server ? server : { ...ownHost(domain), capabilities: server.capabilities });
  return out;
}

/**
 * A `registry-mirrors` entry checked as dockerd checks it (http or https, no query, fragment or user); its path,
 * if any, is where the mirror's /v2 lives.
 */
export function mirrorEndpoint(url: string): RegistryEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument(`invalid mirror: "${url}" is not a valid URI`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw invalidArgument(`invalid mirror: unsupported scheme "${parsed.protocol.slice(0, -1)}" in "${url}"`);
  if (parsed.search || parsed.hash)
    throw invalidArgument(`invalid mirror: query or fragment at end of the URI "${url}"`);
  if (parsed.username || parsed.password)
    throw invalidArgument(`invalid mirror: username/password not allowed in URI "${url}"`);
  return {
    scheme: parsed.protocol === 'http:' ? 'http' : 'https',
    host: parsed.host,
    apiRoot: `${parsed.pathname.replace(/\/+$/, '')}/v2`,
    capabilities: ['pull', 'resolve'],
  };
}

export interface RegistryHostsConfig {
  /** containerd's hosts directory (DIR/<domain>/hosts.toml). */
  hostsDir?: string;
  /** dockerd's registry-mirrors: URLs tried in order for Docker Hub pulls before Docker Hub itself. */
  mirrors?: readonly string[];
}

const isDockerHub = (domain: string): boolean => domain === 'docker.io' || domain === 'index.docker.io';

/** Where a pull from `domain` may go, in the order to try them; the last is the one whose error is reported. */
export function pullEndpoints(config: RegistryHostsConfig, domain: string): RegistryEndpoint[] {
  const configured = config.hostsDir ? readRegistryHosts(config.hostsDir, domain) : undefined;
  if (configured) return configured;
  if (isDockerHub(domain) && config.mirrors?.length) return [...config.mirrors.map(mirrorEndpoint), ownHost(domain)];
  return [ownHost(domain)];
}
