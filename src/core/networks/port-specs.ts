// Published ports: from HostConfig.PortBindings (and -P over the image's ExposedPorts) to what must be
// programmed, and back to Docker's shapes for inspect (NetworkSettings.Ports) and ps (Ports).
import { invalidArgument } from '../errdefs.js';
import type { Port, PortBinding } from '../../spec/docker/containers.js';
import { isIPv4 } from './ipv4.js';
import type { PortMapping } from './network-record.js';

export interface PortRequest {
  proto: PortMapping['proto'];
  containerPort: number;
  hostIp: string;
  /** 0: any free port. */
  hostPort: number;
}

const PORT_KEY = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i;

export function parsePortKey(key: string): { port: number; proto: PortMapping['proto'] } {
  const m = PORT_KEY.exec(key.trim());
  const port = Number(m?.[1]);
  if (!m || port < 1 || port > 65535) throw invalidArgument(`invalid port specification: "${key}"`);
  return { port, proto: (m[2]?.toLowerCase() ?? 'tcp') as PortMapping['proto'] };
}

function parseHostPort(text: string | undefined): number {
  if (!text) return 0;
  const head = text.split('-')[0] ?? '';
  const n = Number(head);
  if (!/^\d+$/.test(head) || n > 65535) throw invalidArgument(`invalid port specification: "${text}"`);
  return n;
}

/** What to publish: every binding of PortBindings; with PublishAllPorts, every exposed port not bound yet. */
export function portRequests(
  bindings: Record<string, PortBinding[] | null> | null | undefined,
  publishAll: boolean,
  exposed: Record<string, object> | null | undefined,
): PortRequest[] {
  const out: PortRequest[] = [];
  const bound = new Set<string>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { port, proto } = parsePortKey(key);
    bound.add(`${port}/${proto}`);
    for (const b of list ?? [{}]) {
      const hostIp = b.HostIp ?? '';
      if (hostIp && hostIp !== '0.0.0.0' && !isIPv4(hostIp)) {
        if (hostIp === '::' || hostIp.includes(':')) continue; // IPv6 bindings: not served (berth's bridges are IPv4)
        throw invalidArgument(`invalid IP address: ${hostIp}`);
      }
      out.push({
        proto,
        containerPort: port,
        hostIp: hostIp === '0.0.0.0' ? '' : hostIp,
        hostPort: parseHostPort(b.HostPort),
      });
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposed ?? {})) {
      const { port, proto } = parsePortKey(key);
      if (!bound.has(`${port}/${proto}`)) out.push({ proto, containerPort: port, hostIp: '', hostPort: 0 });
    }
  }
  return out;
}

/** Validates bindings at create time (Docker refuses a bad spec before anything is made). */
export function validatePortBindings(bindings: Record<string, PortBinding[] | null> | null | undefined): void {
  portRequests(bindings, false, {});
}

/** NetworkSettings.Ports: every exposed or bound port, with its host bindings (null when not published). */
export function portsView(
  mappings: PortMapping[],
  exposed: Record<string, object> | null | undefined,
  bindings: Record<string, PortBinding[] | null> | null | undefined,
): Record<string, PortBinding[] | null> {
  const out: Record<string, PortBinding[] | null> = {};
  const keyOf = (port: number, proto: string): string => `${port}/${proto}`;
  for (const key of [...Object.keys(exposed ?? {}), ...Object.keys(bindings ?? {})]) {
    const { port, proto } = parsePortKey(key);
    out[keyOf(port, proto)] ??= null;
  }
  for (const m of mappings) {
    const key = keyOf(m.containerPort, m.proto);
    (out[key] ??= []).push({ HostIp: m.hostIp || '0.0.0.0', HostPort: String(m.hostPort) });
  }
  return out;
}

/** ps's Ports: published ones with their host side, exposed ones alone; sorted as Docker's API does not. */
export function portSummary(mappings: PortMapping[], exposed: Record<string, object> | null | undefined): Port[] {
  const out: Port[] = mappings.map((m) => ({
    IP: m.hostIp || '0.0.0.0',
    PrivatePort: m.containerPort,
    PublicPort: m.hostPort,
    Type: m.proto,
  }));
  for (const key of Object.keys(exposed ?? {})) {
    const { port, proto } = parsePortKey(key);
    if (!mappings.some((m) => m.containerPort === port && m.proto === proto))
      out.push({ PrivatePort: port, Type: proto });
  }
  return out;
}
