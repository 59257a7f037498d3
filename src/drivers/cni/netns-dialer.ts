// LoopbackDialer (core/networks/loopback-dialer.ts) by a helper inside the namespace: Node cannot enter a namespace
// itself, so `nsenter --net=<ns>` runs a tiny node program there that connects to 127.0.0.1:<port> for each dial
// asked over its IPC channel and hands the connected socket back (Node passes the descriptor with SCM_RIGHTS); the
// socket stays in the namespace it was made in. One helper per namespace (keyed by the namespace's inode, so a pid
// reused by another pod never reaches the old one) serves every connection of a port forward, and leaves after
// IDLE_MS without a dial, so it pins a stopped pod's namespace no longer than that. The helper does not read from
// a socket before handing it over (paused before it connects), so a server that speaks first loses nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { LoopbackDialer } from '../../core/networks/loopback-dialer.js';

const HELPER = `
const net = require('node:net');
process.on('message', ({ id, port }) => {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.pause();
  socket.once('connect', () => process.send({ id }, socket));
  socket.once('error', (err) => process.send({ id, error: err.message, code: err.code }));
});
process.on('disconnect', () => process.exit(0));
`;

/** How long a namespace's helper stays without a dial. */
const IDLE_MS = 5_000;

type Reply = { id: number; error?: string; code?: string };

class NamespaceHelper {
  private readonly pending = new Map<number, { resolve(s: Socket): void; reject(e: Error): void; port: number }>();
  private nextId = 0;
  private idle: NodeJS.Timeout | undefined;
  private stderr = '';
  private readonly child: ChildProcess;

  constructor(
    nsenter: string,
    netnsPath: string,
    private readonly onGone: () => void,
  ) {
    this.child = spawn(nsenter, [`--net=${netnsPath}`, '--', process.execPath, '-e', HELPER], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.unref();
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => (this.stderr += text));
    const gone = (err: Error): void => {
      this.onGone();
      clearTimeout(this.idle);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.child.once('error', gone);
    this.child.once('exit', (code) =>
      gone(new Error(this.stderr.trim() || `the dialer in ${netnsPath} exited with ${code}`)),
    );
    this.child.on('message', (message: Reply, handle: unknown) => {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      if (handle) p.resolve(handle as Socket);
      else p.reject(dialError(p.port, message));
      this.idleWhenDone();
    });
  }

  dial(port: number): Promise<Duplex> {
    clearTimeout(this.idle);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, port });
      this.child.send({ id, port }, (err) => {
        if (!err) return;
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  private idleWhenDone(): void {
    if (this.pending.size > 0) return;
    clearTimeout(this.idle);
    // Out of the map first, so no new dial is handed a helper on its way out.
    this.idle = setTimeout(() => {
      this.onGone();
      if (this.child.connected) this.child.disconnect();
    }, IDLE_MS);
    this.idle.unref();
  }
}

export class NetnsLoopbackDialer implements LoopbackDialer {
  private readonly helpers = new Map<string, NamespaceHelper>();

  constructor(private readonly nsenter = 'nsenter') {}

  async dial(netnsPath: string | undefined, port: number): Promise<Duplex> {
    if (netnsPath === undefined) return connectHere(port);
    const key = String((await stat(netnsPath)).ino);
    let helper = this.helpers.get(key);
    if (!helper) {
      const made: NamespaceHelper = new NamespaceHelper(this.nsenter, netnsPath, () => {
        if (this.helpers.get(key) === made) this.helpers.delete(key);
      });
      helper = made;
      this.helpers.set(key, helper);
    }
    return helper.dial(port);
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
