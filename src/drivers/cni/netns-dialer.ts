// LoopbackDialer (core/networks/loopback-dialer.ts) by a short-lived helper: Node cannot enter a namespace itself,
// so `nsenter --net=<ns>` runs a tiny node program there that connects to 127.0.0.1:<port> and hands the
// connected socket back over its IPC channel (Node passes the descriptor with SCM_RIGHTS); the socket stays in
// the namespace it was made in, and the helper exits. The helper does not read from the socket before handing
// it over (paused before it connects), so a server that speaks first loses nothing.
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { LoopbackDialer } from '../../core/networks/loopback-dialer.js';

const HELPER = `
const socket = require('node:net').connect({ host: '127.0.0.1', port: Number(process.argv[1]) });
socket.pause();
socket.once('connect', () => process.send('connected', socket, () => process.exit(0)));
socket.once('error', (err) => process.send({ error: err.message, code: err.code }, () => process.exit(1)));
`;

export class NetnsLoopbackDialer implements LoopbackDialer {
  constructor(private readonly nsenter = 'nsenter') {}

  dial(netnsPath: string | undefined, port: number): Promise<Duplex> {
    if (netnsPath === undefined) return connectHere(port);
    return new Promise((resolve, reject) => {
      const child = spawn(this.nsenter, [`--net=${netnsPath}`, '--', process.execPath, '-e', HELPER, String(port)], {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (text: string) => (stderr += text));
      child.once('error', reject);
      child.once('message', (message: unknown, handle: unknown) => {
        if (handle) resolve(handle as Socket);
        else reject(dialError(port, message as { error?: string; code?: string }));
      });
      child.once('exit', (code) =>
        reject(new Error(stderr.trim() || `the dialer in ${netnsPath} exited with ${code}`)),
      );
    });
  }
}

function connectHere(port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined); // the caller's to watch; never an unhandled 'error'
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      reject(dialError(port, { error: err.message, code: err.code })),
    );
  });
}

/** The connect error in the words of the errno (`connection refused`), as Go's dialer says it. */
function dialError(port: number, failure: { error?: string; code?: string }): Error {
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ETIMEDOUT: 'connection timed out',
    ENETUNREACH: 'network is unreachable',
  };
  const why = (failure.code && words[failure.code]) ?? failure.error ?? 'no connection';
  return new Error(`failed to connect to 127.0.0.1:${port}: ${why}`);
}
