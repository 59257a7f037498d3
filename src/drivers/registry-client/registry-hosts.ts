// Where a pull goes, in the layouts both ecosystems know. containerd's hosts directory, DIR/<domain>/hosts.toml
// (`server`, and `[host."URL"]` mirrors with `capabilities`), as kubelet operators write it for containerd: a pull
// from <domain> goes to the first host that may pull and resolve, else to `server`; with either there, the
// domain's own host is not contacted. Read at each repository lookup (small files; an edit needs no restart).
// dockerd's `registry-mirrors`: Docker Hub pulls try each mirror in order, then Docker Hub itself.
import { readFileSync } from 'node:fs';
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
  /** Where the distribution API lives on the host: "/v2", or "<path>/v2" under a mirror URL's path. */
  apiRoot: string;
  capabilities: Capability[];
}

const ALL: Capability[] = ['pull', 'resolve', 'push'];

function endpointOf(url: string, capabilities: unknown, file: string): RegistryEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument(`${file}: "${url}" is not a URL (http://host[:port] or https://host[:port])`);
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !['', '/'].includes(parsed.pathname))
    throw invalidArgument(`${file}: "${url}": only http(s)://host[:port] without a path is supported`);
  const caps = capabilities === undefined ? ALL : capabilities;
  if (!Array.isArray(caps) || !caps.every((c): c is Capability => ALL.includes(c as Capability)))
    throw invalidArgument(`${file}: capabilities of "${url}" must be a list of "pull", "resolve", "push"`);
  return {
    scheme: parsed.protocol === 'http:' ? 'http' : 'https',
    host: parsed.host,
    apiRoot: '/v2',
    capabilities: caps,
  };
}

/** The endpoints hosts.toml lists for `domain`, mirrors first then `server`; none when there is no file. */
export function readRegistryHosts(dir: string, domain: string): RegistryEndpoint[] {
  const file = join(dir, domain, 'hosts.toml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return [];
    throw err;
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    throw invalidArgument(`${file}: ${(err as Error).message}`);
  }
  const out: RegistryEndpoint[] = [];
  const hosts = (doc.host ?? {}) as Record<string, { capabilities?: unknown }>;
  for (const [url, table] of Object.entries(hosts)) out.push(endpointOf(url, table?.capabilities, file));
  if (typeof doc.server === 'string') out.push(endpointOf(doc.server, undefined, file));
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

/** The domain's own host: the distribution API at /v2, scheme found by the client. */
const ownHost = (domain: string): RegistryEndpoint => ({
  host: registryHost(domain),
  apiRoot: '/v2',
  capabilities: ALL,
});

/** Where a pull from `domain` may go, in the order to try them; the last is the one whose error is reported. */
export function pullEndpoints(config: RegistryHostsConfig, domain: string): RegistryEndpoint[] {
  const configured = config.hostsDir ? readRegistryHosts(config.hostsDir, domain) : [];
  const puller = configured.find((e) => e.capabilities.includes('pull') && e.capabilities.includes('resolve'));
  if (puller) return [puller];
  if (isDockerHub(domain) && config.mirrors?.length) return [...config.mirrors.map(mirrorEndpoint), ownHost(domain)];
  return [ownHost(domain)];
}
