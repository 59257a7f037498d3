// PortForward over WebSocket (websocket-channels.ts), as kubelet's and containerd's streaming servers serve it: the
// ports are the request's `port` query parameters (repeated or comma-separated), each port a pair of channels,
// 2i its data and 2i+1 its errors, and each of them first carries the port as a little-endian 16-bit number. Each
// port is dialled once, as one forwarded connection (port-forward.ts); once all are done the WebSocket is closed.
import type { WebSocket } from 'ws';
import { forward, type PortForwardTarget } from './port-forward.js';
import { isBase64Protocol, WebSocketChannels } from './websocket-channels.js';

export const PORT_FORWARD_WEBSOCKET_PROTOCOLS = ['', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io'] as const;

/** The ports asked for, or why the request is refused (as kubelet words it). */
export function portsOfQuery(query: URLSearchParams): number[] | { error: string } {
  const given = query.getAll('port');
  if (given.length === 0) return { error: 'query parameter "port" is required' };
  const ports: number[] = [];
  for (const value of given) {
    if (value === '') return { error: 'query parameter "port" cannot be empty' };
    for (const part of value.split(',')) {
      const port = /^\d+$/.test(part) ? Number(part) : NaN;
      if (!(port <= 65535)) return { error: `unable to parse "${value}" as a port` };
      if (port < 1) return { error: `port "${value}" must be > 0` };
      ports.push(port);
    }
  }
  return ports;
}

export async function servePortForwardOverWebSocket(
  ws: WebSocket,
  protocol: string,
  ports: number[],
  target: PortForwardTarget,
): Promise<void> {
  const channels = new WebSocketChannels(ws, isBase64Protocol(protocol));
  const pairs = ports.map((port, i) => {
    const data = channels.channel(2 * i);
    const error = channels.channel(2 * i + 1);
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    channels.send(2 * i, portBytes);
    channels.send(2 * i + 1, portBytes);
    return forward(data, error, port, target);
  });
  await Promise.all(pairs);
  channels.close();
  await channels.closed;
}
