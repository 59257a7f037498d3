// Which host serves a registry domain and whether plain HTTP may be used with it: only loopback hosts and
// the ones the daemon's config lists as insecure (`--insecure-registry`, host[:port] or CIDR).

const isIPv4 = (s: string): boolean =>
  /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) && s.split('.').every((p) => Number(p) <= 255);

export const DOCKER_HUB_HOST = 'registry-1.docker.io';
/** Docker Hub's index (the v1 search API). */
export const DOCKER_INDEX_HOST = 'index.docker.io';

/** The host[:port] that serves the API for a reference's domain. */
export const registryHost = (domain: string): string =>
  domain === 'docker.io' || domain === 'index.docker.io' ? DOCKER_HUB_HOST : domain;

const hostOnly = (hostPort: string): string => {
  if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']'));
  const colon = hostPort.lastIndexOf(':');
  return colon > 0 ? hostPort.slice(0, colon) : hostPort;
};

export function isLoopbackHost(hostPort: string): boolean {
  const host = hostOnly(hostPort).toLowerCase();
  return host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));
}

const ipv4ToInt = (ip: string): number => ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;

function inCidr(host: string, cidr: string): boolean {
  const [base = '', bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!isIPv4(host) || !isIPv4(base) || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToInt(host) & mask) === (ipv4ToInt(base) & mask);
}

/** Plain HTTP allowed: loopback, or listed (exact host:port, bare host, or an IPv4 CIDR). */
export function allowsPlainHttp(hostPort: string, insecure: readonly string[]): boolean {
  if (isLoopbackHost(hostPort)) return true;
  const host = hostOnly(hostPort);
  return insecure.some((entry) => entry === hostPort || entry === host || (entry.includes('/') && inCidr(host, entry)));
}
