// The CRI's own door into berthd: gRPC over HTTP/2 without TLS (h2c with prior knowledge, as grpc-go
// clients such as kubelet and crictl speak) on a unix socket of its own, beside the Engine API. The socket
// listens from the start; the gRPC service behind it (cri-connections.ts) is loaded on the first connection.
import { createServer as createNetServer } from 'node:net';
import { mkdirSync, unlinkSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CriDeps } from './cri-deps.js';
import type { CriConnections } from './cri-connections.js';

export interface CriServer {
  socketPath: string;
  close(): Promise<void>;
}

export async function startCriServer(socketPath: string, deps: CriDeps): Promise<CriServer> {
  let connections: Promise<CriConnections> | undefined;
  const loaded = (): Promise<CriConnections> =>
    (connections ??= import('./cri-connections.js').then(({ criConnections }) => criConnections(deps)));
  // A socket not yet read keeps what the client sent until the service is loaded and reads it; until then an
  // error on it (the client gone) must not be an unhandled 'error' event.
  const listener = createNetServer((socket) => {
    const early = (): void => void socket.destroy();
    socket.on('error', early);
    loaded().then(
      (served) => {
        socket.off('error', early);
        if (!socket.destroyed) served.accept(socket);
      },
      (err: unknown) => {
        deps.logger.error({ err }, 'CRI service could not be loaded');
        socket.destroy();
      },
    );
  });

  mkdirSync(dirname(socketPath), { recursive: true });
  // The daemon holds its root lock, so a socket file left here belongs to a dead daemon.
  try {
    unlinkSync(socketPath);
  } catch {
    /* none */
  }
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(socketPath, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o660);
  return {
    socketPath,
    async close() {
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      // Open HTTP/2 sessions (a kubelet keeps one) would hold the listener's close forever.
      if (connections !== undefined) await (await connections).closeSessions();
      await closed;
    },
  };
}
