// A socket bound on a host port: how berthd proves a port free (bind, then close: the DNAT rule takes the port
// before any socket would) and how it holds a published one (port-reservations.ts). One bind for both, so the
// check and the hold agree on what "taken" means.
import { createServer, isIPv6, type Server } from 'node:net';
import { createSocket, type Socket } from 'node:dgram';

export type HostPortSocket = Server | Socket;

/**
 * Binds `proto` on host:port (port 0: one the kernel picks), exclusively; resolves the open socket and its port.
 * `ipv6Only` keeps an IPv6 wildcard off IPv4. Once bound, the socket's later errors are ignored (nothing is ever
 * accepted or read on it).
 */
export function bindHostPort(
  proto: 'tcp' | 'udp',
  host: string,
  port: number,
  options: { ipv6Only?: boolean } = {},
): Promise<{ socket: HostPortSocket; port: number }> {
  return new Promise((resolve, reject) => {
    if (proto === 'udp') {
      const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
      socket.once('error', reject);
      socket.bind({ address: host, port, exclusive: true }, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined);
        resolve({ socket, port: socket.address().port });
      });
      return;
    }
    const server = createServer((connection) => connection.destroy());
    server.once('error', reject);
    server.listen({ host, port, exclusive: true, ipv6Only: options.ipv6Only ?? false }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      const address = server.address();
      resolve({ socket: server, port: typeof address === 'object' && address ? address.port : port });
    });
  });
}

export function closeHostPortSocket(socket: HostPortSocket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}
