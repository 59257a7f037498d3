// Address management for bridge networks: choosing a subnet for a new network out of the address pools
// (avoiding every subnet in use, by berth or by the host's routes), the gateway, and container addresses.
import { conflict, forbidden, invalidArgument, unavailable } from '../errdefs.js';
import {
  cidrContains,
  cidrLast,
  cidrsOverlap,
  cidrSize,
  formatCidr,
  formatIPv4,
  isIPv4,
  parseCidr,
  parseIPv4,
  type Cidr,
} from './ipv4.js';
import {
  cidr6Contains,
  cidrs6Overlap,
  formatCidr6,
  formatIPv6,
  isIPv6,
  looksIPv6,
  parseCidr6,
  parseIPv6,
  type Cidr6,
} from './ipv6.js';

export interface AddressPool {
  /** The pool, e.g. 172.17.0.0/12. */
  base: string;
  /** Prefix length of each subnet carved out of it. */
  size: number;
}

/** Docker's default pools: /16s out of 172.17.0.0/12, then /20s out of 192.168.0.0/16. */
export const DEFAULT_ADDRESS_POOLS: AddressPool[] = [
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/15', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/13', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
];

/** The first subnet of the pools that overlaps none of `used`. */
export function chooseSubnet(pools: AddressPool[], used: Cidr[]): Cidr {
  for (const pool of pools) {
    const base = parseCidr(pool.base);
    if (pool.size < base.prefix || pool.size > 30)
      throw invalidArgument(`invalid pool size ${pool.size} for ${pool.base}`);
    const step = 2 ** (32 - pool.size);
    for (let n = base.base; n <= cidrLast(base); n += step) {
      const candidate = { base: n >>> 0, prefix: pool.size };
      if (!used.some((u) => cidrsOverlap(u, candidate))) return candidate;
    }
  }
  throw unavailable(
    'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network',
  );
}

export interface SubnetPlan {
  subnet: string;
  gateway: string;
  /** Addresses are allocated from here (the subnet unless --ip-range). */
  ipRange: string;
  /** Never given to containers. */
  auxAddresses?: Record<string, string>;
}

/** Validates a requested (or chosen) subnet, gateway and ip range as Docker does. */
export function planSubnet(
  subnetText: string,
  gatewayText: string | undefined,
  ipRangeText: string | undefined,
): SubnetPlan {
  const subnet = parseCidr(subnetText);
  if (subnet.prefix > 30) throw invalidArgument(`invalid subnet ${subnetText}: too small for a network`);
  let gateway: number;
  if (gatewayText) {
    gateway = parseIPv4(gatewayText);
    if (!cidrContains(subnet, gateway)) throw invalidArgument(`no matching subnet for gateway ${gatewayText}`);
  } else gateway = subnet.base + 1;
  let ipRange = subnet;
  if (ipRangeText) {
    ipRange = parseCidr(ipRangeText);
    if (!cidrContains(subnet, ipRange.base) || ipRange.prefix < subnet.prefix)
      throw invalidArgument(`no matching subnet for range ${ipRangeText}`);
  }
  return { subnet: formatCidr(subnet), gateway: formatIPv4(gateway >>> 0), ipRange: formatCidr(ipRange) };
}

/** Docker's message when a requested subnet overlaps another network's. */
export function assertNoOverlap(subnet: string, others: { name: string; subnet: string }[], hostRoutes: Cidr[]): void {
  const s = parseCidr(subnet);
  for (const o of others) {
    if (o.subnet && cidrsOverlap(parseCidr(o.subnet), s)) throw forbiddenOverlap();
  }
  for (const r of hostRoutes) if (r.prefix > 0 && cidrsOverlap(r, s)) throw forbiddenOverlap();
}

const forbiddenOverlap = (): Error => forbidden('Pool overlaps with other one on this address space');

/** The next free address of the range (skipping network, gateway and broadcast), or the requested one if free. */
export function allocateAddress(plan: SubnetPlan, inUse: Set<string>, requested?: string): string {
  const subnet = parseCidr(plan.subnet);
  const reserved = new Set([
    formatIPv4(subnet.base),
    plan.gateway,
    formatIPv4(cidrLast(subnet)),
    ...Object.values(plan.auxAddresses ?? {}),
    ...inUse,
  ]);
  if (requested) {
    const ip = parseIPv4(requested);
    if (!cidrContains(subnet, ip))
      throw invalidArgument(`no configured subnet or ip-range contain the IP address ${requested}`);
    if (reserved.has(requested)) throw conflict(`Address already in use`);
    return requested;
  }
  const range = parseCidr(plan.ipRange);
  for (let i = 0; i < cidrSize(range); i++) {
    const candidate = formatIPv4((range.base + i) >>> 0);
    if (!reserved.has(candidate)) return candidate;
  }
  throw unavailable(`no available IPv4 addresses on this network's address pools: ${plan.subnet}`);
}

/** Checks IPAM AuxiliaryAddresses against the subnet, with Docker's messages. */
export function checkAuxAddresses(
  aux: Record<string, string>,
  subnetText: string,
  networkName: string,
): Record<string, string> {
  const v6 = looksIPv6(subnetText);
  for (const [name, addr] of Object.entries(aux)) {
    const ok = v6 ? isIPv6(addr) : isIPv4(addr);
    if (!ok)
      throw invalidArgument(`non parsable secondary ip address (${name}:${addr}) passed for network ${networkName}`);
    const inside = v6
      ? cidr6Contains(parseCidr6(subnetText), parseIPv6(addr))
      : cidrContains(parseCidr(subnetText), parseIPv4(addr));
    if (!inside) throw forbidden(`auxiliary address: (${name}:${addr}) must belong to the master pool: ${subnetText}`);
  }
  return aux;
}

/** The IPv6 twin of planSubnet. */
export function planSubnet6(
  subnetText: string,
  gatewayText: string | undefined,
  ipRangeText: string | undefined,
): SubnetPlan {
  const subnet = parseCidr6(subnetText);
  if (subnet.prefix > 126) throw invalidArgument(`invalid subnet ${subnetText}: too small for a network`);
  let gateway = subnet.base + 1n;
  if (gatewayText) {
    gateway = parseIPv6(gatewayText);
    if (!cidr6Contains(subnet, gateway)) throw invalidArgument(`no matching subnet for gateway ${gatewayText}`);
  }
  let ipRange = subnet;
  if (ipRangeText) {
    ipRange = parseCidr6(ipRangeText);
    if (!cidr6Contains(subnet, ipRange.base) || ipRange.prefix < subnet.prefix)
      throw invalidArgument(`no matching subnet for range ${ipRangeText}`);
  }
  return { subnet: formatCidr6(subnet), gateway: formatIPv6(gateway), ipRange: formatCidr6(ipRange) };
}

/** The first /size of the pool that overlaps none of `used` (IPv6 pools: the daemon's ULA /48 in /64s). */
export function chooseSubnet6(pool: AddressPool, used: Cidr6[]): Cidr6 {
  const base = parseCidr6(pool.base);
  const step = 1n << BigInt(128 - pool.size);
  const count = 1n << BigInt(pool.size - base.prefix);
  for (let i = 0n; i < count && i < 65536n; i++) {
    const candidate = { base: base.base + i * step, prefix: pool.size };
    if (!used.some((u) => cidrs6Overlap(u, candidate))) return candidate;
  }
  throw unavailable(
    'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network',
  );
}

/** The next free IPv6 address of the range (skipping the subnet-router anycast address and the gateway), or the requested one. */
export function allocateAddress6(plan: SubnetPlan, inUse: Set<string>, requested?: string): string {
  const subnet = parseCidr6(plan.subnet);
  const reserved = new Set([
    formatIPv6(subnet.base),
    plan.gateway,
    ...Object.values(plan.auxAddresses ?? {}).map((a) => formatIPv6(parseIPv6(a))),
    ...inUse,
  ]);
  if (requested) {
    const ip = parseIPv6(requested);
    if (!cidr6Contains(subnet, ip))
      throw invalidArgument(`no configured subnet or ip-range contain the IP address ${requested}`);
    if (reserved.has(formatIPv6(ip))) throw conflict(`Address already in use`);
    return formatIPv6(ip);
  }
  const range = parseCidr6(plan.ipRange);
  const size = 1n << BigInt(128 - range.prefix);
  for (let i = 0n; i < size && i < 1n << 20n; i++) {
    const candidate = formatIPv6(range.base + i);
    if (!reserved.has(candidate)) return candidate;
  }
  throw unavailable(`no available IPv6 addresses on this network's address pools: ${plan.subnet}`);
}

/** A MAC address as Docker accepts it (Go's net.ParseMAC, 6-byte forms), normalised to lower-case colons. */
export function parseMac(text: string): string | undefined {
  const t = text.trim();
  let bytes: string[] | undefined;
  if (/^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(t)) bytes = t.split(/[:-]/);
  else if (/^([0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$/.test(t)) bytes = t.replace(/\./g, '').match(/../g) ?? undefined;
  return bytes?.map((b) => b.toLowerCase()).join(':');
}

/** Docker's MAC for an address: 02:42 then the four octets. */
export function macFor(ip: string): string {
  const n = parseIPv4(ip);
  return [
    '02',
    '42',
    ...[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].map((o) => o.toString(16).padStart(2, '0')),
  ].join(':');
}
