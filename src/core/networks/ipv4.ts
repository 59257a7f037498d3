// IPv4 addresses and CIDR subnets as plain numbers: parsing, formatting, containment and overlap.
import { invalidArgument } from '../errdefs.js';

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIPv4(text: string): boolean {
  const m = IPV4.exec(text);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

export function parseIPv4(text: string): number {
  const m = IPV4.exec(text.trim());
  if (!m || m.slice(1).some((o) => Number(o) > 255)) throw invalidArgument(`invalid IP address: ${text}`);
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

export const formatIPv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** Parses "a.b.c.d/n"; the base is the address as written (host bits kept), see networkOf(). */
export function parseCidrLoose(text: string): { ip: number; prefix: number } {
  const [addr = '', len, ...rest] = text.trim().split('/');
  const prefix = Number(len);
  if (rest.length > 0 || len === undefined || !/^\d{1,2}$/.test(len) || prefix > 32)
    throw invalidArgument(`invalid CIDR address: ${text}`);
  if (!isIPv4(addr)) throw invalidArgument(`invalid CIDR address: ${text}`);
  return { ip: parseIPv4(addr), prefix };
}

/** Parses a subnet; host bits are cleared (Docker normalises 10.1.2.3/16 to 10.1.0.0/16). */
export function parseCidr(text: string): Cidr {
  const { ip, prefix } = parseCidrLoose(text);
  return { base: (ip & maskOf(prefix)) >>> 0, prefix };
}

export const formatCidr = (c: Cidr): string => `${formatIPv4(c.base)}/${c.prefix}`;

export const cidrSize = (c: Cidr): number => 2 ** (32 - c.prefix);

export const cidrContains = (c: Cidr, ip: number): boolean => (ip & maskOf(c.prefix)) >>> 0 === c.base;

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  return (a.base & maskOf(prefix)) >>> 0 === (b.base & maskOf(prefix)) >>> 0;
}

/** The last address of the subnet (broadcast). */
export const cidrLast = (c: Cidr): number => (c.base + cidrSize(c) - 1) >>> 0;
