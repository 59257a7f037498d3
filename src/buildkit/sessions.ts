// Client sessions (POST /session): buildx opens one per build and serves filesync, auth and secrets on it;
// berthd calls them as a gRPC client over the upgraded connection. A Solve names its session by ID and may
// arrive before the session's connection does, so lookups wait a little.
import type { Duplex } from 'node:stream';
import type { Transport } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { invalidArgument } from '../core/errdefs.js';
import { HijackedHttp2Client, SESSION_AUTHORITY } from './h2c.js';

export interface SessionHeaders {
  id: string;
  name: string;
  sharedKey: string;
  /** The gRPC methods the client serves, e.g. /moby.filesync.v1.FileSync/DiffCopy. */
  methods: string[];
}

export interface ClientSession extends SessionHeaders {
  transport: Transport;
  /** Settles when the connection closes. */
  closed: Promise<void>;
  close(): void;
}

/** The X-Docker-Expose-Session-* headers of POST /session; undefined without a session UUID. */
export function sessionHeaders(headers: Record<string, string | string[] | undefined>): SessionHeaders | undefined {
  const one = (name: string): string => [headers[name] ?? ''].flat()[0] ?? '';
  const id = one('x-docker-expose-session-uuid');
  if (!id) return undefined;
  const methods = [headers['x-docker-expose-session-grpc-method'] ?? '']
    .flat()
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return {
    id,
    name: one('x-docker-expose-session-name'),
    sharedKey: one('x-docker-expose-session-sharedkey'),
    methods,
  };
}

export class Sessions {
  private readonly open = new Map<string, ClientSession>();
  private readonly waiting = new Map<string, Set<(s: ClientSession) => void>>();

  /** Takes a socket that answered the h2c upgrade; the session lives until the connection closes. */
  attach(socket: Duplex, headers: SessionHeaders): ClientSession {
    const client = new HijackedHttp2Client(socket);
    const transport = createGrpcTransport({ baseUrl: SESSION_AUTHORITY, sessionManager: client });
    const closed = new Promise<void>((resolve) => client.session.once('close', resolve));
    const session: ClientSession = { ...headers, transport, closed, close: () => client.close() };
    this.open.set(headers.id, session);
    void closed.then(() => {
      if (this.open.get(headers.id) === session) this.open.delete(headers.id);
    });
    for (const wake of this.waiting.get(headers.id) ?? []) wake(session);
    this.waiting.delete(headers.id);
    return session;
  }

  /** The session with this ID if its connection is open. */
  find(id: string): ClientSession | undefined {
    return this.open.get(id);
  }

  /** The session with this ID, waiting up to timeoutMs for its connection. */
  async get(id: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ClientSession> {
    const found = this.open.get(id);
    if (found) return found;
    return new Promise<ClientSession>((resolve, reject) => {
      const wakers = this.waiting.get(id) ?? new Set();
      this.waiting.set(id, wakers);
      const done = (): void => {
        clearTimeout(timer);
        wakers.delete(wake);
        options.signal?.removeEventListener('abort', aborted);
      };
      const wake = (s: ClientSession): void => {
        done();
        resolve(s);
      };
      const aborted = (): void => {
        done();
        reject(options.signal?.reason);
      };
      const timer = setTimeout(() => {
        done();
        reject(invalidArgument(`no active session for ${id}: context deadline exceeded`));
      }, options.timeoutMs ?? 5000);
      wakers.add(wake);
      options.signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  close(): void {
    for (const s of this.open.values()) s.close();
    this.open.clear();
  }
}
