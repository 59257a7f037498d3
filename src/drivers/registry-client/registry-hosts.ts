// Where a pull goes, in the layouts both ecosystems know. containerd's hosts directory, DIR/<domain>/hosts.toml
// (else DIR/_default/hosts.toml) as kubelet operators write it for containerd: every `[host."URL"]` in the order
// listed (with its `capabilities`: resolve for names, pull for content), then `server`, which is the domain's own
// host when not given; so a mirror named as `server` is the only endpoint, and the public host is never
// contacted. A host's TLS: `ca`, `client`, `skip_verify` in its table; a directory without hosts.toml holds
// Docker's certs.d files (`*.crt`, `*.cert` + `*.key`) for the domain's own host, as containerd falls back to and
// dockerd reads them. Read at each repository lookup (small files; an edit needs no restart). dockerd's
// `registry-mirrors`: Docker Hub pulls try each mirror in order (TLS from the mirror host's directory), then
// Docker Hub itself.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'smol-toml';
import { invalidArgument } from '../../core/errdefs.js';
import { registryHost } from '../../core/remotes/registry-host.js';
import { readCertsDirectory, type RegistryTls } from './registry-tls.js';

export type Capability = 'pull' | 'resolve' | 'push';

export interface RegistryEndpoint {
  /** "http" or "https" from a configured URL; absent for the domain's own host (https, or probed where allowed). */
  scheme?: 'http' | 'https';
  /** host[:port] */
  host: string;
  /** Where the distribution API lives on the host: "/v2", "<path>/v2" under a URL's path, or the path itself. */
  apiRoot: string;
  capabilities: Capability[];
  /** Extra CA roots, client certificates, skip_verify for this host. */
  tls?: RegistryTls;
}

const ALL: Capability[] = ['pull', 'resolve', 'push'];

/** The known keys of a host table; any other is refused by name (berth cannot honour it). */
const HOST_KEYS = new Set(['capabilities', 'override_path', 'ca', 'client', 'skip_verify']);

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

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** containerd's `ca` (a file or a list), `client` (a file holding both, or [cert, key] pairs) and `skip_verify`. */
function tlsOf(table: Record<string, unknown>, what: string, file: string, dir: string): RegistryTls | undefined {
  const { ca, client, skip_verify: skipVerify } = table;
  if (ca === undefined && client === undefined && skipVerify === undefined) return undefined;
  const path = (p: string): string => (isAbsolute(p) ? p : join(dir, p));
  const tls: RegistryTls = { ca: [], clients: [] };
  if (typeof ca === 'string') tls.ca.push(path(ca));
  else if (isStrings(ca)) tls.ca.push(...ca.map(path));
  else if (ca !== undefined) throw invalidArgument(`${file}: "ca" of ${what} must be a file or a list of files`);
  const pairs = typeof client === 'string' ? [client] : client;
  if (pairs !== undefined && !Array.isArray(pairs))
    throw invalidArgument(`${file}: "client" of ${what} must be a file or a list of files or [cert, key] pairs`);
  for (const pair of (pairs ?? []) as unknown[]) {
    if (typeof pair === 'string') tls.clients.push({ cert: path(pair) });
    else if (isStrings(pair) && pair.length === 2) tls.clients.push({ cert: path(pair[0]!), key: path(pair[1]!) });
    else throw invalidArgument(`${file}: invalid pair ${JSON.stringify(pair)} for "client" of ${what}`);
  }
  if (skipVerify !== undefined && typeof skipVerify !== 'boolean')
    throw invalidArgument(`${file}: skip_verify of ${what} must be true or false`);
  tls.skipVerify = skipVerify;
  return tls;
}

function endpointOf(
  url: string,
  table: Record<string, unknown>,
  file: string,
  dir: string,
  what = `"${url}"`,
): RegistryEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument(`${file}: "${url}" is not a URL (http://host[:port][/path] or https://…)`);
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search || parsed.hash)
    throw invalidArgument(`${file}: "${url}": only http(s)://host[:port][/path] is supported`);
  refuseUnknownKeys(table, what, file);
  const caps = table.capabilities === undefined ? ALL : table.capabilities;
  if (!Array.isArray(caps) || !caps.every((c): c is Capability => ALL.includes(c as Capability)))
    throw invalidArgument(`${file}: capabilities of ${what} must be a list of "pull", "resolve", "push"`);
  if (table.override_path !== undefined && typeof table.override_path !== 'boolean')
    throw invalidArgument(`${file}: override_path of ${what} must be true or false`);
  return {
    scheme: parsed.protocol === 'http:' ? 'http' : 'https',
    // containerd's name for Docker Hub's API host.
    host: parsed.host === 'docker.io' ? registryHost('docker.io') : parsed.host,
    apiRoot: apiRootOf(parsed.pathname, table.override_path === true),
    capabilities: caps,
    tls: tlsOf(table, what, file, dir),
  };
}

/** The domain's own host: the distribution API at /v2, scheme found by the client. */
const ownHost = (domain: string): RegistryEndpoint => ({
  host: registryHost(domain),
  apiRoot: '/v2',
  capabilities: ALL,
});

/** containerd's host directory: the first of host_port_ (for a host with a port), host[:port], _default there. */
export function hostDirectory(dir: string, domain: string): string | undefined {
  const colon = domain.lastIndexOf(':');
  const names = colon > 0 ? [`${domain.slice(0, colon)}_${domain.slice(colon + 1)}_`, domain] : [domain];
  return [...names, '_default'].map((name) => join(dir, name)).find((path) => existsSync(path));
}

/** The TLS files (Docker's certs.d layout) in a host's directory (found or not) when it has no hosts.toml. */
const certsIn = (hostDir: string | undefined): RegistryTls | undefined =>
  hostDir && !existsSync(join(hostDir, 'hosts.toml')) ? readCertsDirectory(hostDir) : undefined;

/**
 * The endpoints hosts.toml gives `domain`: its hosts in order, then `server` (the domain's own host when not
 * given); undefined when there is no file.
 */
export function readRegistryHosts(dir: string, domain: string): RegistryEndpoint[] | undefined {
  return hostsIn(hostDirectory(dir, domain), domain);
}

/** readRegistryHosts for a host directory already looked up. */
function hostsIn(hostDir: string | undefined, domain: string): RegistryEndpoint[] | undefined {
  const file = hostDir && join(hostDir, 'hosts.toml');
  if (!hostDir || !file || !existsSync(file)) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw invalidArgument(`${file}: ${(err as Error).message}`);
  }
  const out: RegistryEndpoint[] = [];
  const hosts = (doc.host ?? {}) as Record<string, Record<string, unknown>>;
  for (const [url, table] of Object.entries(hosts)) out.push(endpointOf(url, table ?? {}, file, hostDir));
  if (doc.server !== undefined && typeof doc.server !== 'string')
    throw invalidArgument(`${file}: server must be a URL`);
  // The root table's keys are the server's (the domain's own host when no server is named).
  const named = doc.server as string | undefined;
  const root = Object.fromEntries(Object.entries(doc).filter(([key]) => key !== 'server' && key !== 'host'));
  const server = endpointOf(named ?? `https://${registryHost(domain)}`, root, file, hostDir, 'the server');
  out.push(named ? server : { ...ownHost(domain), capabilities: server.capabilities, tls: server.tls });
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
  const dir = config.hostsDir;
  // The domain's directory is looked up once: its hosts.toml, else its certs.d files.
  const domainDir = dir ? hostDirectory(dir, domain) : undefined;
  const configured = hostsIn(domainDir, domain);
  if (configured) return configured;
  const withCerts = (e: RegistryEndpoint, tls: RegistryTls | undefined): RegistryEndpoint => (tls ? { ...e, tls } : e);
  const own = withCerts(ownHost(domain), certsIn(domainDir));
  if (isDockerHub(domain) && config.mirrors?.length)
    return [
      ...config.mirrors.map((url) =>
        withCerts(mirrorEndpoint(url), dir ? certsIn(hostDirectory(dir, new URL(url).host)) : undefined),
      ),
      own,
    ];
  return [own];
}

/**
 * TLS for the domain's own host where no pull endpoints are chosen (push, login): the server table of its
 * hosts.toml when that names no other server, else the certs.d files of its directory.
 */
export function domainTls(config: RegistryHostsConfig, domain: string): RegistryTls | undefined {
  const last = pullEndpoints(config, domain).at(-1);
  return last && last.scheme === undefined ? last.tls : undefined;
}
