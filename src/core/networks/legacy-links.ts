// Legacy container links (--link name:alias, HostConfig.Links) as Docker makes them on the default bridge:
// the canonical "/child:/parent/alias" form inspect shows, the environment a linked container gets
// (ALIAS_PORT_..., ALIAS_NAME, ALIAS_ENV_...) and its /etc/hosts lines.
import { invalidArgument } from '../errdefs.js';
import { parsePortKey } from './port-specs.js';

export interface LinkSpec {
  /** The linked (child) container as written, without a leading slash. */
  name: string;
  alias: string;
}

/** "name" or "name:alias" (or the canonical "/name:/parent/alias"), as Docker's opts.ParseLink. */
export function parseLink(text: string): LinkSpec {
  const parts = text.split(':');
  const name = (parts[0] ?? '').replace(/^\//, '');
  if (parts.length > 2 || !name) throw invalidArgument(`bad format for links: ${text}`);
  const rawAlias = parts[1] ?? name;
  // The canonical form carries the parent: keep only the last path element.
  const alias = rawAlias.split('/').filter(Boolean).pop() ?? '';
  if (!alias) throw invalidArgument(`bad format for links: ${text}`);
  return { name, alias };
}

export const canonicalLink = (childName: string, parentName: string, alias: string): string =>
  `/${childName}:/${parentName}/${alias}`;

export interface LinkedChild {
  alias: string;
  /** The parent's name, for ALIAS_NAME=/parent/alias. */
  parentName: string;
  childIp: string;
  /** The child's Config.Env. */
  childEnv: string[];
  /** The child's exposed ports ("80/tcp"). */
  exposed: string[];
}

/** The variables Docker sets for one link (moby's links.Link.ToEnv). */
export function linkEnv(l: LinkedChild): string[] {
  const alias = l.alias.toUpperCase().replace(/-/g, '_');
  const env: string[] = [`${alias}_NAME=/${l.parentName}/${l.alias}`];
  const ports = l.exposed
    .map(parsePortKey)
    .sort((a, b) => a.port - b.port || (a.proto === 'tcp' ? -1 : b.proto === 'tcp' ? 1 : 0));
  const first = ports[0];
  const out: string[] = [];
  if (first) out.push(`${alias}_PORT=${first.proto}://${l.childIp}:${first.port}`);
  // Runs of three or more consecutive port numbers also get _START/_END variables.
  for (let i = 0; i < ports.length;) {
    let j = i;
    while (j + 1 < ports.length && (ports[j + 1]?.port ?? 0) === (ports[j]?.port ?? 0) + 1) j++;
    const p = ports[i];
    const q = ports[j];
    if (p && q && j > i + 1) {
      const key = `${alias}_PORT_${p.port}_${p.proto.toUpperCase()}`;
      out.push(
        `${key}_START=${p.proto}://${l.childIp}:${p.port}`,
        `${key}_ADDR=${l.childIp}`,
        `${key}_PROTO=${p.proto}`,
        `${key}_PORT_START=${p.port}`,
      );
      out.push(
        `${alias}_PORT_${p.port}_${q.proto.toUpperCase()}_END=${q.proto}://${l.childIp}:${q.port}`,
        `${alias}_PORT_${p.port}_${q.proto.toUpperCase()}_PORT_END=${q.port}`,
      );
      i = j + 1;
    } else i++;
  }
  for (const p of ports) {
    const key = `${alias}_PORT_${p.port}_${p.proto.toUpperCase()}`;
    out.push(
      `${key}=${p.proto}://${l.childIp}:${p.port}`,
      `${key}_ADDR=${l.childIp}`,
      `${key}_PORT=${p.port}`,
      `${key}_PROTO=${p.proto}`,
    );
  }
  for (const e of l.childEnv) {
    const eq = e.indexOf('=');
    if (eq < 0) continue;
    const key = e.slice(0, eq);
    // As Docker: HOME and PATH are the image's plumbing, not the linked service's settings.
    if (key === 'HOME' || key === 'PATH') continue;
    out.push(`${alias}_ENV_${key}=${e.slice(eq + 1)}`);
  }
  return [...env, ...out];
}

/** The /etc/hosts names of a link: the alias, the child's hostname, and its name when that differs from the alias. */
export const linkHostNames = (alias: string, childHostname: string, childName: string): string =>
  [alias, childHostname, ...(alias !== childName ? [childName] : [])].filter(Boolean).join(' ');
