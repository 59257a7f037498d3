// Service ports: the short syntax (`[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`, ranges on either side) and the long
// one, both to PortConfig. A target range becomes one entry per port, paired with a published range of the same size.
import { ComposeError } from './errors.js';
import type { PortConfig } from './model.js';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

function range(text: string, where: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new ComposeError(`${where}: invalid port "${text}"`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || to < from) throw new ComposeError(`${where}: invalid port range "${text}"`);
  return [from, to];
}

function protocolOf(text: string | undefined, where: string): PortConfig['protocol'] {
  const p = (text ?? 'tcp').toLowerCase();
  if (!PROTOCOLS.has(p)) throw new ComposeError(`${where}: invalid protocol "${text}"`);
  return p as PortConfig['protocol'];
}

/** One `ports` entry, short or long syntax. */
export function parsePort(entry: unknown, where: string): PortConfig[] {
  if (typeof entry === 'number') return [{ target: entry, protocol: 'tcp' }];
  if (typeof entry === 'object' && entry !== null) {
    const long = entry as {
      target?: number | string;
      published?: number | string;
      host_ip?: string;
      protocol?: string;
      mode?: string;
    };
    const [target] = range(String(long.target), where);
    const port: PortConfig = { target, protocol: protocolOf(long.protocol, where) };
    if (long.published !== undefined && long.published !== '') port.published = String(long.published);
    if (long.host_ip) port.hostIp = long.host_ip;
    return [port];
  }
  const text = String(entry);
  const [spec, proto] = text.split('/') as [string, string | undefined];
  const protocol = protocolOf(proto, where);
  let hostIp: string | undefined;
  let rest = spec;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(spec);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2] as string;
  }
  const parts = rest.split(':');
  if (!v6 && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2 || (v6 && parts.length !== 2)) throw new ComposeError(`${where}: invalid port "${text}"`);
  const targetText = parts.pop() as string;
  const publishedText = parts.pop();
  const [tFrom, tTo] = range(targetText, where);
  const count = tTo - tFrom + 1;
  const published = publishedText ? range(publishedText, where) : undefined;
  if (published && count > 1 && published[1] - published[0] + 1 !== count)
    throw new ComposeError(`${where}: port ranges don't match in length: "${text}"`);
  const out: PortConfig[] = [];
  for (let i = 0; i < count; i++) {
    const port: PortConfig = { target: tFrom + i, protocol };
    if (published) port.published = count > 1 ? String(published[0] + i) : publishedText;
    if (hostIp) port.hostIp = hostIp;
    out.push(port);
  }
  return out;
}

/** The key two ports entries share when a later file overrides an earlier one. */
export const portKey = (p: PortConfig): string => `${p.hostIp ?? ''}|${p.target}|${p.published ?? ''}|${p.protocol}`;
