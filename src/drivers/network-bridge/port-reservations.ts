// Host ports published by containers are held by a socket of berthd's for as long as they are published, as
// Docker's proxy (or its stand-in without the userland proxy) holds them. The DNAT rules take the traffic before
// any socket sees it, so nothing is ever accepted on these sockets; they only keep the kernel from handing the
// port to another program, which would bind it without error and then never receive a connection.
import { createServer, isIPv6, type Server } from 'node:net';
import { createSocket, type Socket } from 'node:dgram';
import type { RulePort } from '../../core/networks/nat-rules.js';
import type { PortMapping } from '../../core/networks/network-record.js';

type Holder = Server | Socket;

const keyOf = (m: PortMapping): string => `${m.proto}/${m.hostIp || '0.0.0.0'}/${m.hostPort}`;

export class PortReservations {
  private readonly held = new Map<string, Holder>();

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
        holder.close();
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

function hold(m: PortMapping): Promise<Holder> {
  const host = m.hostIp || '0.0.0.0';
  return new Promise((resolve, reject) => {
    if (m.proto === 'udp') {
      const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
      socket.once('error', reject);
      socket.bind({ address: host, port: m.hostPort, exclusive: true }, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined);
        socket.unref();
        resolve(socket);
      });
      return;
    }
    const server = createServer((connection) => connection.destroy());
    server.once('error', reject);
    server.listen({ host, port: m.hostPort, exclusive: true, ipv6Only: isIPv6(host) }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      server.unref();
      resolve(server);
    });
  });
}
