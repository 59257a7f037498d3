// Address management for bridge networks: choosing a subnet for a new network out of the address pools
// (avoiding every subnet in use, by berth or by the host's routes), the gateway, and container addresses.
import { conflict, forbidden, invalidArgument, unavailable } from '../errdefs.js';
import { cidrContains, cidrLast, cidrsOverlap, cidrSize, formatCidr, formatIPv4, parseCidr, parseIPv4, type Cidr } from './ipv4.js';

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
    if (pool.size < base.prefix || pool.size > 30) throw invalidArgument(`invalid pool size ${pool.size} for ${pool.base}`);
    const step = 2 ** (32 - pool.size);
    for (let n = base.base; n <= cidrLast(base); n += step) {
      const candidate = { base: n >>> 0, prefix: pool.size };
      if (!used.some((u) => cidrsOverlap(u, candidate))) return candidate;
    }
  }
  throw unavailable('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}

export interface SubnetPlan {
  subnet: string;
  gateway: string;
  /** Addresses are allocated from here (the subnet unless --ip-range). */
  ipRange: string;
}

/** Validates a requested (or chosen) subnet, gateway and ip range as Docker does. */
export function planSubnet(subnetText: string, gatewayText: string | undefined, ipRangeText: string | undefined): SubnetPlan {
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
    if (!cidrContains(subnet, ipRange.base) || ipRange.prefix < subnet.prefix) throw invalidArgument(`no matching subnet for range ${ipRangeText}`);
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
  const reserved = new Set([formatIPv4(subnet.base), plan.gateway, formatIPv4(cidrLast(subnet)), ...inUse]);
  if (requested) {
    const ip = parseIPv4(requested);
    if (!cidrContains(subnet, ip)) throw invalidArgument(`no configured subnet or ip-range contain the IP address ${requested}`);
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

/** Docker's MAC for an address: 02:42 then the four octets. */
export function macFor(ip: string): string {
  const n = parseIPv4(ip);
  return ['02', '42', ...[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].map((o) => o.toString(16).padStart(2, '0'))].join(':');
}
