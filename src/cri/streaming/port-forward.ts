// Kubernetes' port forward protocol (`portforward.k8s.io`), the server side of PortForward: over one SPDY
// connection, each forwarded connection is a pair of client streams sharing a `requestID` header, one of
// `streamType` data and one of error, both naming the pod's `port`. Once both are there the port is dialled inside
// the pod's network namespace and the data stream is piped to it both ways; a failure is written on the error
// stream as kubelet words it. Streams with a missing or bad port or type are refused (RST_STREAM), as kubelet's.
import type { Duplex } from 'node:stream';
import { acceptStream, rejectStream, spdyServerConnection, type SpdyStream } from '../../lib/spdy-server.js';

export const PORT_FORWARD_PROTOCOLS = ['portforward.k8s.io'] as const;
/** How long the second stream of a pair may take, as kubelet's stream creation timeout. */
const PAIR_TIMEOUT_MS = 30_000;

export interface PortForwardTarget {
  /** For messages: the pod sandbox's id. */
  podSandboxId: string;
  /** A connection to the pod's port on its loopback. */
  dial(port: number): Promise<Duplex>;
}

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

export async function servePortForward(socket: Duplex, target: PortForwardTarget): Promise<void> {
  const pairs = new Map<string, Pair>();
  const connection = await spdyServerConnection(socket, (stream) => {
    const port = Number(stream.headers.port);
    const type = stream.headers.streamtype;
    if (!Number.isInteger(port) || port < 1 || port > 65535 || (type !== 'data' && type !== 'error'))
      return rejectStream(stream);
    acceptStream(stream);
    const id = requestId(stream, type);
    let pair = pairs.get(id);
    if (!pair) {
      const timer = setTimeout(() => {
        pairs.delete(id);
        pair?.error?.end(`(request=${id}) timed out waiting for streams`);
        pair?.data?.end();
      }, PAIR_TIMEOUT_MS);
      pair = { timer };
      pairs.set(id, pair);
    }
    pair[type] = stream;
    if (pair.data && pair.error) {
      clearTimeout(pair.timer);
      pairs.delete(id);
      void forward(pair.data, pair.error, port, target);
    }
  });
  await connection.closed;
  for (const pair of pairs.values()) clearTimeout(pair.timer);
}

/** The pair's key; an old client without requestID headers: kubelet's guess from consecutive stream ids. */
function requestId(stream: SpdyStream, type: 'data' | 'error'): string {
  const given = stream.headers.requestid;
  if (given) return given;
  return String(type === 'error' ? stream.id : stream.id - 2);
}

/** One forwarded connection: the pod's port dialled, `data` piped to it both ways, a failure written on `error`. */
export async function forward(data: Duplex, error: Duplex, port: number, target: PortForwardTarget): Promise<void> {
  let conn: Duplex;
  try {
    conn = await target.dial(port);
  } catch (err) {
    error.end(
      `error forwarding port ${port} to pod ${target.podSandboxId}, uid : ${err instanceof Error ? err.message : String(err)}`,
    );
    data.end();
    return;
  }
  // Both ways, each side's end half-closing the other. As containerd's: once one way is done, the other has a
  // second to finish, then both streams end (the client waits for the error stream's end to finish the pair).
  conn.on('error', () => undefined); // a reset from the pod's side ends the pair below, nothing more
  data.pipe(conn);
  conn.pipe(data);
  const ended = (stream: Duplex): Promise<void> =>
    new Promise((resolve) => {
      stream.once('end', resolve);
      stream.once('error', () => resolve());
      stream.once('close', () => resolve());
    });
  const ways = [ended(conn), ended(data)];
  await Promise.race(ways);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(ways), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
  clearTimeout(timer);
  conn.destroy();
  if (!data.writableEnded) data.end();
  error.end();
}
