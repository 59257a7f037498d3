// Registry hosts configuration in containerd's layout: DIR/<domain>/hosts.toml (`server`, and `[host."URL"]`
// mirrors with `capabilities`), as kubelet operators write it for containerd. A pull from <domain> goes to
// the first host that may pull and resolve, else to `server`; with either there, the domain's own host is
// not contacted. Read at each repository lookup (small files; an edit needs no restart).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { invalidArgument } from '../../core/errdefs.js';

export type Capability = 'pull' | 'resolve' | 'push';

export interface RegistryEndpoint {
  /** "http:" or "https:". */
  scheme: 'http' | 'https';
  /** host[:port] */
  host: string;
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
  return { scheme: parsed.protocol === 'http:' ? 'http' : 'https', host: parsed.host, capabilities: caps };
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

/** Where a pull from `domain` goes: the first endpoint that may pull and resolve; none = the domain itself. */
export function pullEndpoint(dir: string | undefined, domain: string): RegistryEndpoint | undefined {
  if (!dir) return undefined;
  return readRegistryHosts(dir, domain).find(
    (e) => e.capabilities.includes('pull') && e.capabilities.includes('resolve'),
  );
}
