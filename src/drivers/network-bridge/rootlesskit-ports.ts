// Published ports of a rootless daemon: berth's DNAT rules live in rootlesskit's network namespace, which the
// host cannot reach, so each published port is also asked of rootlesskit's port driver (its REST API on
// $ROOTLESSKIT_STATE_DIR/api.sock, the way Docker's rootlesskit-docker-proxy asks it). rootlesskit listens on the
// host address and port and connects to 127.0.0.1:<port> inside, where berth's OUTPUT DNAT takes it to the
// container. Declarative: each sync makes rootlesskit's set equal to the ports given (leftovers of an earlier
// daemon included). The builtin driver loses the client's source address (connections come from 127.0.0.1).
import { request } from 'node:http';
import type { RulePort } from '../../core/networks/nat-rules.js';
import { internal } from '../../core/errdefs.js';
import { privilegedPortFix } from '../../core/rootless/choices.js';

interface PortSpec {
  proto: string;
  parentIP: string;
  parentPort: number;
  childIP?: string;
  childPort: number;
}

interface PortStatus {
  id: number;
  spec: PortSpec;
}

const keyOf = (s: PortSpec): string => `${s.proto}/${s.parentIP}:${s.parentPort}->${s.childPort}`;

/** rootlesskit's spec for a published port: the host side as published, the namespace's loopback inside. */
export function portSpecOf(p: RulePort): PortSpec | undefined {
  const m = p.mapping;
  if (m.proto !== 'tcp' && m.proto !== 'udp') return undefined;
  return {
    proto: m.proto,
    parentIP: m.hostIp || '0.0.0.0',
    parentPort: m.hostPort,
    childIP: '127.0.0.1',
    childPort: m.hostPort,
  };
}

/** A host port below the host's net.ipv4.ip_unprivileged_port_start: rootlesskit (the user, on the host) may not
 *  listen there. Named with its fixes, as Docker's rootless engine does; the value itself is the host network
 *  namespace's, which berthd (inside rootlesskit's) cannot read: `berth rootless check` shows it. */
export function privilegedPortRefusal(hostPort: number, err: Error): Error | undefined {
  if (hostPort >= 1024 || !/permission denied/i.test(err.message)) return undefined;
  return internal(
    `cannot publish host port ${hostPort} rootless: ports below net.ipv4.ip_unprivileged_port_start (1024 unless ` +
      `lowered) are privileged; ${privilegedPortFix(hostPort)}; or publish a port of 1024 or more ` +
      `(${err.message})`,
    err,
  );
}

const isWildcard = (hostIp: string): boolean => hostIp === '' || hostIp === '0.0.0.0' || hostIp === '::';

/**
 * The published ports as berth's rules inside rootlesskit's namespace must match them. rootlesskit listens on the
 * published host address and connects to 127.0.0.1:<host port> inside, so a port published on one address
 * (127.0.0.2, a LAN address: none of them is an address of the namespace) is matched there on 127.0.0.1. Two
 * addresses with one host port would then meet on one rule: refused, naming both.
 */
export function insidePorts(ports: RulePort[]): RulePort[] {
  const addressOf = new Map<string, string>();
  return ports.map((p) => {
    const m = p.mapping;
    const key = `${m.hostPort}/${m.proto}`;
    const address = isWildcard(m.hostIp) ? '0.0.0.0' : m.hostIp;
    const other = addressOf.get(key);
    if (other !== undefined && other !== address)
      throw internal(
        `cannot publish host port ${key} on ${address} rootless: it is published on ${other} already, and inside ` +
          `rootlesskit's network namespace both would arrive on 127.0.0.1:${m.hostPort}; publish another host port`,
      );
    addressOf.set(key, address);
    return isWildcard(m.hostIp) ? p : { ...p, mapping: { ...m, hostIp: '127.0.0.1' } };
  });
}

export class RootlesskitPorts {
  constructor(private readonly apiSocket: string) {}

  /** The ports berth's rules in the namespace match (see insidePorts). */
  inside(ports: RulePort[]): RulePort[] {
    return insidePorts(ports);
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = request(
        { socketPath: this.apiSocket, path, method, headers: body ? { 'Content-Type': 'application/json' } : {} },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            if ((res.statusCode ?? 500) >= 300) {
              const message = (() => {
                try {
                  return (JSON.parse(text) as { message?: string }).message ?? text;
                } catch {
                  return text;
                }
              })();
              reject(internal(`rootlesskit port driver: ${message.trim()}`));
            } else resolve((text ? JSON.parse(text) : undefined) as T);
          });
        },
      );
      req.on('error', (err) => reject(internal(`rootlesskit API ${this.apiSocket}: ${err.message}`, err)));
      req.end(body ? JSON.stringify(body) : undefined);
    });
  }

  /** Makes rootlesskit forward exactly these ports: stale ones removed first, missing ones added. */
  async sync(ports: RulePort[]): Promise<void> {
    const wanted = new Map<string, PortSpec>();
    for (const p of ports) {
      const spec = portSpecOf(p);
      if (spec) wanted.set(keyOf(spec), spec);
    }
    const current = await this.call<PortStatus[]>('GET', '/v1/ports');
    const have = new Set<string>();
    for (const status of current ?? []) {
      const key = keyOf({ ...status.spec, childPort: status.spec.childPort });
      if (wanted.has(key)) have.add(key);
      else await this.call('DELETE', `/v1/ports/${status.id}`);
    }
    for (const [key, spec] of wanted)
      if (!have.has(key))
        await this.call('POST', '/v1/ports', spec).catch((err: Error) => {
          throw privilegedPortRefusal(spec.parentPort, err) ?? err;
        });
  }
}
