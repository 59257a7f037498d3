// The Engine API client for Node over a unix socket: the typed operations of engine-api.ts on an http transport,
// plus the hijacked connections (attach, attached exec start). Negotiates the API version once per client, as
// the docker CLI does, so it works against berthd and Docker's own engine alike.
import { existsSync } from 'node:fs';
import type * as NodeHttp from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { ApiError, EngineApi, encodeQuery, type ApiRequest, type Signal, type Transport } from './engine-api.js';
import type { ExecStartBody, OperationAt, QueryOf } from './engine-types.js';
import { WholeResponseClient, type WholeResponse } from './whole-response.js';

export { ApiError, encodeQuery, type QueryValue } from './engine-api.js';

export const CLIENT_MAX_API_VERSION = '1.47';
export const DEFAULT_SOCKET = '/run/berth/berth.sock';

/** A rootless berthd's socket for an ordinary user, when that user has one running: $XDG_RUNTIME_DIR/berth.sock. */
export function rootlessSocket(env: NodeJS.ProcessEnv, uid = process.getuid?.()): string | undefined {
  if (uid === 0 || uid === undefined || !env.XDG_RUNTIME_DIR) return undefined;
  const path = join(env.XDG_RUNTIME_DIR, 'berth.sock');
  return existsSync(path) ? path : undefined;
}

/** BERTH_HOST, then DOCKER_HOST, then (an ordinary user) the own rootless daemon's socket, then the default one. */
export function resolveSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.BERTH_HOST || env.DOCKER_HOST;
  if (!host) return rootlessSocket(env) ?? DEFAULT_SOCKET;
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  throw new Error(`unsupported host ${host}: only unix:// sockets are supported`);
}

/** The daemon could not be reached at all. */
export class ConnectionError extends Error {
  constructor(
    readonly socketPath: string,
    cause: unknown,
  ) {
    super(`Cannot connect to the berth daemon at unix://${socketPath}. Is the daemon running?`, { cause });
    this.name = 'ConnectionError';
  }
}

/** A hijacked connection: the raw socket, and whether it carries multiplexed stdout/stderr frames. */
export interface Hijacked {
  socket: Socket;
  multiplexed: boolean;
}

const compareVersions = (a: string, b: string): number => {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
};

const unreachable = (err: NodeJS.ErrnoException): boolean =>
  err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EACCES';

/**
 * Given to every request: without a servername Node's http agent derives one from the Host header and tests it
 * with net.isIP, whose first call compiles the IPv6 pattern (about 15 ms of CPU, half of a CLI command's HTTP
 * work). A unix socket has no TLS, so the name is never used.
 */
const SERVERNAME = { servername: 'berth' };

let httpModule: typeof NodeHttp | undefined;
/** node:http, loaded by the first request that needs it: a stream, an upload, an upgrade or a cancellable call.
 * The others, most commands' only ones, go through whole-response.ts (~10 ms of CPU less a command). */
const http = (): typeof NodeHttp => (httpModule ??= createRequire(import.meta.url)('node:http') as typeof NodeHttp);

const HEADERS = { Host: 'berth', 'User-Agent': 'berth-cli' };

/** HTTP/1.1 over the daemon's unix socket, versioned by the negotiated API version. */
class SocketTransport implements Transport<IncomingMessage, Readable> {
  private version: string | undefined;
  private agent: NodeHttp.Agent | undefined;
  private readonly whole: WholeResponseClient;

  constructor(readonly socketPath: string) {
    this.whole = new WholeResponseClient(socketPath);
  }

  /** The negotiated API version: the lower of the daemon's and ours. */
  async apiVersion(): Promise<string> {
    if (this.version) return this.version;
    const res = await this.exchange({ method: 'GET', path: '/_ping' }, false);
    const server = res.headers['api-version'] ?? CLIENT_MAX_API_VERSION;
    this.version = compareVersions(server, CLIENT_MAX_API_VERSION) < 0 ? server : CLIENT_MAX_API_VERSION;
    return this.version;
  }

  async request(req: ApiRequest<Readable>): Promise<IncomingMessage> {
    const res = await this.send(req, true);
    if ((res.statusCode ?? 500) >= 400) throw await errorFrom(res);
    return res;
  }

  async json(req: ApiRequest<Readable>): Promise<unknown> {
    const text = await this.text(req);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  async text(req: ApiRequest<Readable>): Promise<string> {
    if (!readWhole(req)) return readText(await this.request(req));
    return (await this.answered(req)).body.toString('utf8');
  }

  async discard(req: ApiRequest<Readable>): Promise<void> {
    if (readWhole(req)) await this.answered(req);
    else (await this.request(req)).resume();
  }

  close(): void {
    this.agent?.destroy();
    this.whole.close();
  }

  /** Resolves with the raw socket once the daemon upgraded the request (to `upgrade`: tcp, or h2c for /session);
   * an array in `headers` is sent as one header line per item. */
  async hijack(
    req: ApiRequest<Readable>,
    upgrade = 'tcp',
    headers: Record<string, string | string[]> = {},
  ): Promise<Hijacked> {
    const version = await this.apiVersion();
    return new Promise((resolve, reject) => {
      const out = http().request({
        socketPath: this.socketPath,
        method: req.method,
        path: `/v${version}${req.path}${encodeQuery(req.query)}`,
        headers: {
          Host: 'berth',
          Connection: 'Upgrade',
          Upgrade: upgrade,
          ...req.headers,
          ...headers,
          ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        signal: req.signal,
        ...SERVERNAME,
      });
      out.on('upgrade', (res, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve({ socket, multiplexed: String(res.headers['content-type'] ?? '').includes('multiplexed') });
      });
      out.on('response', (res) => {
        void errorFrom(res).then(reject, reject);
      });
      out.on('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new ConnectionError(this.socketPath, err) : err),
      );
      out.end(req.body !== undefined ? JSON.stringify(req.body) : undefined);
    });
  }

  /** A request whose answer is read whole (see readWhole); an answer of 400 or more throws its ApiError. */
  private async answered(req: ApiRequest<Readable>): Promise<WholeResponse> {
    const res = await this.exchange(req, true);
    if (res.status >= 400) throw apiError(res.status, res.body.toString('utf8'));
    return res;
  }

  private async exchange(req: ApiRequest<Readable>, versioned: boolean): Promise<WholeResponse> {
    const prefix = versioned ? `/v${await this.apiVersion()}` : '';
    const headers: Record<string, string> = { ...HEADERS, ...req.headers };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await this.whole.exchange({
        method: req.method,
        path: `${prefix}${req.path}${encodeQuery(req.query)}`,
        headers,
        body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
      });
    } catch (err) {
      throw unreachable(err as NodeJS.ErrnoException) ? new ConnectionError(this.socketPath, err) : err;
    }
  }

  private async send(req: ApiRequest<Readable>, versioned: boolean): Promise<IncomingMessage> {
    const prefix = versioned ? `/v${await this.apiVersion()}` : '';
    const headers: Record<string, string> = { ...HEADERS, ...req.headers };
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['Content-Type'] = 'application/json';
    } else if (req.upload) {
      headers['Content-Type'] = req.contentType ?? 'application/x-tar';
    }
    const upload = req.upload;
    this.agent ??= new (http().Agent)({ keepAlive: true });
    return new Promise((resolve, reject) => {
      const out = http().request(
        {
          socketPath: this.socketPath,
          method: req.method,
          path: `${prefix}${req.path}${encodeQuery(req.query)}`,
          headers,
          agent: this.agent,
          signal: req.signal,
          ...SERVERNAME,
        },
        resolve,
      );
      out.on('error', (err: NodeJS.ErrnoException) =>
        reject(unreachable(err) ? new ConnectionError(this.socketPath, err) : err),
      );
      if (upload) {
        upload.on('error', (err) => out.destroy(err));
        upload.pipe(out);
      } else out.end(payload);
    });
  }
}

/** Whether a request's answer is read whole, without node:http: it uploads nothing and cannot be cancelled. */
const readWhole = (req: ApiRequest<Readable>): boolean => req.upload === undefined && req.signal === undefined;

async function errorFrom(res: IncomingMessage): Promise<ApiError> {
  return apiError(res.statusCode ?? 500, await readText(res));
}

/** The daemon's error answer: its JSON message, else its text. */
function apiError(status: number, text: string): ApiError {
  let message = text.trim();
  try {
    const parsed = JSON.parse(text) as { message?: string };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    /* not JSON: keep the text */
  }
  return new ApiError(status, message || `HTTP ${status}`);
}

export class EngineClient extends EngineApi<IncomingMessage, Readable> {
  private readonly socket: SocketTransport;

  constructor(readonly socketPath: string = resolveSocketPath()) {
    const transport = new SocketTransport(socketPath);
    super(transport);
    this.socket = transport;
  }

  /** The negotiated API version: the lower of the daemon's and ours. */
  apiVersion(): Promise<string> {
    return this.socket.apiVersion();
  }

  close(): void {
    this.socket.close();
  }

  /** Hijacked connections: the daemon answers 101 and the request's socket becomes the container's stdio. */
  readonly hijack = {
    containerAttach: (
      id: string,
      query: QueryOf<OperationAt<'/containers/{id}/attach', 'post'>>,
      o: Signal = {},
    ): Promise<Hijacked> =>
      this.socket.hijack(this.build('post', '/containers/{id}/attach', { path: { id }, query, ...o })),
    execStart: (id: string, body: ExecStartBody, o: Signal = {}): Promise<Hijacked> =>
      this.socket.hijack(
        this.build('post', '/exec/{id}/start', { path: { id }, body: { ...body, Detach: false }, ...o }),
      ),
    /** A BuildKit client session (POST /session, upgraded to h2c): the daemon calls the gRPC services the headers
     * X-Docker-Expose-Session-* name, served by the caller over the returned socket. */
    session: (headers: Record<string, string | string[]>, o: Signal = {}): Promise<Hijacked> =>
      this.socket.hijack(this.build('post', '/session', o), 'h2c', headers),
  };
}

export async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
