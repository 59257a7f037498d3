// A container's endpoint on a network as a create or connect asks for it: aliases, addresses, MAC, link-local
// addresses and links, checked as Docker checks them before anything is stored (a refused request changes
// nothing), then recorded; the address itself is allocated at the container's start. Links are names the
// embedded DNS resolves at query time, so the container they name need not exist yet (as in Docker).
import { generateId } from '../../lib/ids.js';
import { invalidArgument } from '../../core/errdefs.js';
import { parseMac } from '../../core/networks/ipam.js';
import { cidr6Contains, isIPv6, parseCidr6, parseIPv6 } from '../../core/networks/ipv6.js';
import { cidrContains, isIPv4, parseCidr, parseIPv4 } from '../../core/networks/ipv4.js';
import type { EndpointRecord, EndpointStage, NetworkRecord, NetworkStore } from '../../core/networks/network-record.js';
import type { EndpointSettings } from '../../spec/docker/containers.js';
import { parseLink } from '../../core/networks/legacy-links.js';

export type PlannedEndpoint = Pick<
  EndpointRecord,
  'aliases' | 'requestedIp' | 'requestedIp6' | 'requestedMac' | 'linkLocalIps' | 'links' | 'driverOpts'
>;

/** Endpoint driver options newer Docker engines act on and berth does not: refused by name rather than ignored. */
const UNSUPPORTED_DRIVER_OPTS = ['com.docker.network.endpoint.sysctls', 'com.docker.network.endpoint.ifname'];

/** Records a container's endpoint on a network (validating aliases, addresses, MAC and links as Docker): at create
 * (stage 'created') or at a connect (stage 'connected'; a running container's is joined right after). */
export function addEndpoint(
  stores: { store: NetworkStore },
  n: NetworkRecord,
  containerId: string,
  config: EndpointSettings | undefined,
  stage: Exclude<EndpointStage, 'joined'>,
  extra: { mac?: string } = {},
): void {
  const planned = planEndpoint(n, config, extra);
  stores.store.upsertEndpoint({
    id: generateId(),
    networkId: n.id,
    containerId,
    ...planned,
    ip: '',
    mac: '',
    hostIfName: '',
    stage,
  });
}

/** What an endpoint asks for, checked before anything is stored (a refused create or connect changes nothing). */
export function planEndpoint(
  n: NetworkRecord,
  config: EndpointSettings | undefined,
  extra: { mac?: string } = {},
): PlannedEndpoint {
  const aliases = (config?.Aliases ?? []).filter((a) => a);
  const ipam = config?.IPAMConfig ?? {};
  const requestedIp = ipam.IPv4Address ?? '';
  const requestedIp6 = ipam.IPv6Address ?? '';
  const linkLocalIps = ipam.LinkLocalIPs ?? [];
  const errors: string[] = [];
  if (requestedIp && (!isIPv4(requestedIp) || requestedIp === '0.0.0.0'))
    errors.push(`invalid IPv4 address: ${requestedIp}`);
  if (requestedIp6 && (!isIPv6(requestedIp6) || parseIPv6(requestedIp6) === 0n))
    errors.push(`invalid IPv6 address: ${requestedIp6}`);
  for (const a of linkLocalIps)
    if (!(isIPv4(a) && a !== '0.0.0.0') && !(isIPv6(a) && parseIPv6(a) !== 0n))
      errors.push(`invalid link-local IP address: ${a}`);
  if (errors.length > 0) throw invalidArgument(`invalid endpoint settings:\n${errors.join('\n')}`);
  const macText = config?.MacAddress || extra.mac || '';
  const requestedMac = macText ? parseMac(macText) : '';
  if (requestedMac === undefined) throw invalidArgument(`invalid MAC address ${macText}`);
  if (n.isDefault && aliases.length > 0)
    throw invalidArgument('network-scoped alias is supported only for containers in user defined networks');
  if ((requestedIp || requestedIp6) && n.isDefault)
    throw invalidArgument('user specified IP address is supported on user defined networks only');
  if (requestedIp && !n.userIpam)
    throw invalidArgument(
      'user specified IP address is supported only when connecting to networks with user configured subnets',
    );
  if (requestedIp6 && !n.v6?.userIpam)
    throw invalidArgument(
      'user specified IP address is supported only when connecting to networks with user configured subnets',
    );
  if (requestedIp && !cidrContains(parseCidr(n.subnet), parseIPv4(requestedIp)))
    throw invalidArgument(`no configured subnet or ip-range contain the IP address ${requestedIp}`);
  if (requestedIp6 && n.v6 && !cidr6Contains(parseCidr6(n.v6.subnet), parseIPv6(requestedIp6)))
    throw invalidArgument(`no configured subnet or ip-range contain the IP address ${requestedIp6}`);
  // Kept as written (inspect shows them so); on the default bridge, which has no embedded DNS, they do nothing, as in Docker.
  const links = config?.Links ?? [];
  for (const l of links) {
    if (!l) throw invalidArgument('empty string specified for links');
    parseLink(l);
  }
  // Any other option is the driver's business: the bridge driver keeps and shows them (as Docker's does).
  const driverOpts = config?.DriverOpts ?? null;
  for (const key of UNSUPPORTED_DRIVER_OPTS)
    if (driverOpts && key in driverOpts)
      throw invalidArgument(`endpoint driver option ${key} is not supported by berth`);
  return { aliases, requestedIp, requestedIp6, requestedMac, linkLocalIps, links, driverOpts };
}
