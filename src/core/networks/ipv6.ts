// IPv6 addresses and subnets as 128-bit BigInts: parsing (with ::, and a dotted IPv4 tail), the canonical
// text form of RFC 5952 (what inspect shows), containment, overlap, and Docker's ULA default pool.
import { invalidArgument } from '../errdefs.js';
import { isIPv4, parseIPv4 } from './ipv4.js';

export interface Cidr6 {
  base: bigint;
  prefix: number;
}

const ALL = (1n << 128n) - 1n;

/** The address, or undefined when the text is not an IPv6 address (zones are refused, as Docker does). */
export function tryParseIPv6(text: string): bigint | undefined {
  if (!text.includes(':') || text.includes('%')) return undefined;
  let groups: string[];
  const [head = '', tail, ...more] = text.split('::');
  if (more.length > 0) return undefined;
  const split = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const expand = (parts: string[]): string[] | undefined => {
    const last = parts[parts.length - 1];
    if (last !== undefined && last.includes('.')) {
      if (!isIPv4(last)) return undefined;
      const v4 = parseIPv4(last);
      return [...parts.slice(0, -1), (v4 >>> 16).toString(16), (v4 & 0xffff).toString(16)];
    }
    return parts;
  };
  if (tail === undefined) {
    const g = expand(split(head));
    if (!g || g.length !== 8) return undefined;
    groups = g;
  } else {
    const h = split(head);
    const t = expand(split(tail));
    if (!t || h.length + t.length > 7) return undefined;
    groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  }
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

export const isIPv6 = (text: string): boolean => tryParseIPv6(text) !== undefined;

export function parseIPv6(text: string): bigint {
  const n = tryParseIPv6(text.trim());
  if (n === undefined) throw invalidArgument(`invalid IP address: ${text}`);
  return n;
}

/** RFC 5952: lower case, leading zeros dropped, the longest run of two or more zero groups as ::. */
export function formatIPv6(n: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export const maskOf6 = (prefix: number): bigint => (prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL);

/** Parses an IPv6 subnet; host bits are cleared, as for IPv4. */
export function parseCidr6(text: string): Cidr6 {
  const [addr = '', len, ...rest] = text.trim().split('/');
  const prefix = Number(len);
  const ip = tryParseIPv6(addr);
  if (rest.length > 0 || len === undefined || !/^\d{1,3}$/.test(len) || prefix > 128 || ip === undefined)
    throw invalidArgument(`invalid CIDR address: ${text}`);
  return { base: ip & maskOf6(prefix), prefix };
}

export const formatCidr6 = (c: Cidr6): string => `${formatIPv6(c.base)}/${c.prefix}`;
export const cidr6Contains = (c: Cidr6, ip: bigint): boolean => (ip & maskOf6(c.prefix)) === c.base;
export function cidrs6Overlap(a: Cidr6, b: Cidr6): boolean {
  const m = maskOf6(Math.min(a.prefix, b.prefix));
  return (a.base & m) === (b.base & m);
}

/** Whether the text is an IPv6 subnet (or address) rather than an IPv4 one. */
export const looksIPv6 = (text: string): boolean => text.includes(':');
