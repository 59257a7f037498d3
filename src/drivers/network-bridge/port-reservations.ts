// Host ports published by containers are held by a socket of berthd's for as long as they are published, as
// Docker's proxy (or its stand-in without the userland proxy) holds them. The DNAT rules take the traffic before
// any socket sees it, so nothing is ever accepted on these sockets; they only keep the kernel from handing the
// port to another program, which would bind it without error and then never receive a connection.
import { isIPv6 } from 'node:net';
import type { RulePort } from '../../core/networks/nat-rules.js';
import type { PortMapping } from '../../core/networks/network-record.js';
import { bindHostPort, closeHostPortSocket, type HostPortSocket } from './host-port-socket.js';

const keyOf = (m: PortMapping): string => `${m.proto}/${m.hostIp || '0.0.0.0'}/${m.hostPort}`;

export class PortReservations {
  private readonly held = new Map<string, HostPortSocket>();

  constructor(private readonly warn: (message: string, err: unknown) => void) {}

  /** Whether berthd holds this port already (published before: a restart re-publishing it, or a rule applied late). */
  holds(m: PortMapping): boolean {
    return this.held.has(keyOf(m));
  }

  /** Holds every port of `ports` not held yet and lets go of the ones no longer published. */
  async sync(ports: RulePort[]): Promise<void> {
    const wanted = new Map<string, PortMapping>();
    for (const p of ports) if (p.mapping.proto !== 'sctp') wanted.set(keyOf(p.mapping), p.mapping);
    for (const [key, holder] of this.held)
      if (!wanted.has(key)) {
        this.held.delete(key);
        void closeHostPortSocket(holder);
      }
    await Promise.all(
      [...wanted].map(async ([key, m]) => {
        if (this.held.has(key)) return;
        try {
          this.held.set(key, await hold(m));
        } catch (err) {
          // Taken between the check at allocation and now, or after a restart while berthd was down: the rule
          // still publishes the port; the other program's socket simply gets nothing, as before reservations.
          this.warn(`host port ${key} could not be held`, err);
        }
      }),
    );
  }
}

async function hold(m: PortMapping): Promise<HostPortSocket> {
  const host = m.hostIp || '0.0.0.0';
  const proto = m.proto === 'udp' ? 'udp' : 'tcp';
  const { socket } = await bindHostPort(proto, host, m.hostPort, { ipv6Only: isIPv6(host) });
  socket.unref();
  return socket;
}
