// The contents of a container's /etc/hosts, /etc/hostname and /etc/resolv.conf, as Docker writes them.

export interface HostsInput {
  hostname: string;
  domainname?: string;
  /** The container's own IPv4 addresses, one line each, in the order it joined its networks (as Docker). */
  ipAddresses?: string[];
  /** Its IPv6 address on an IPv6 network. */
  ipAddress6?: string;
  /** Legacy links: "names" for each address of a linked container (after --add-host entries, as Docker). */
  links?: { ip: string; names: string }[];
  /** --add-host entries, "name:ip" (Docker also accepts "name=ip"). */
  extraHosts?: string[];
}

export function hostsFile(input: HostsInput): string {
  const fqdn = input.domainname ? `${input.hostname}.${input.domainname} ${input.hostname}` : input.hostname;
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ];
  for (const entry of input.extraHosts ?? []) {
    const sep = entry.includes('=') ? entry.indexOf('=') : entry.indexOf(':');
    lines.push(`${entry.slice(sep + 1)}\t${entry.slice(0, sep)}`);
  }
  for (const l of input.links ?? []) lines.push(`${l.ip}\t${l.names}`);
  for (const ip of input.ipAddresses ?? []) lines.push(`${ip}\t${fqdn}`);
  if (input.ipAddress6) lines.push(`${input.ipAddress6}\t${fqdn}`);
  return `${lines.join('\n')}\n`;
}

export interface ResolvInput {
  /** The host's resolv.conf text. */
  hostResolvConf: string;
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** Drop loopback nameservers, which mean nothing inside a private network namespace. */
  dropLoopback: boolean;
}

const isLoopback = (ns: string): boolean => ns.startsWith('127.') || ns === '::1';

export function resolvConf(input: ResolvInput): string {
  const host = input.hostResolvConf.split('\n').map((l) => l.trim());
  const pick = (key: string): string[] =>
    host.filter((l) => l.startsWith(`${key} `) || l.startsWith(`${key}\t`)).flatMap((l) => l.split(/\s+/).slice(1));
  let nameservers = input.dns && input.dns.length > 0 ? input.dns : pick('nameserver');
  if (input.dropLoopback) nameservers = nameservers.filter((ns) => !isLoopback(ns));
  const search = input.dnsSearch && input.dnsSearch.length > 0 ? input.dnsSearch : pick('search');
  const options = input.dnsOptions && input.dnsOptions.length > 0 ? input.dnsOptions : pick('options');
  const lines: string[] = [];
  if (search.length > 0 && !(search.length === 1 && search[0] === '.')) lines.push(`search ${search.join(' ')}`);
  for (const ns of nameservers) lines.push(`nameserver ${ns}`);
  if (options.length > 0) lines.push(`options ${options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
