// A typed Docker Engine API client over a unix socket. Negotiates the API version once per client,
// as the docker CLI does, so it works against berthd and Docker's own engine alike.
import http, { type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

export const CLIENT_MAX_API_VERSION = '1.47';
export const DEFAULT_SOCKET = '/run/berth/berth.sock';

/** BERTH_HOST, then DOCKER_HOST, then the default socket. */
export function resolveSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.BERTH_HOST || env.DOCKER_HOST;
  if (!host) return DEFAULT_SOCKET;
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  throw new Error(`unsupported host ${host}: only unix:// sockets are supported`);
}

/** An error answered by the daemon, carrying its status and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The daemon could not be reached at all. */
export class ConnectionError extends Error {
  constructor(readonly socketPath: string, cause: unknown) {
    super(`Cannot connect to the berth daemon at unix://${socketPath}. Is the daemon running?`, { cause });
    this.name = 'ConnectionError';
  }
}

export type QueryValue = string | number | boolean | undefined | string[];

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** A raw body (tar and the like) streamed to the daemon. */
  stream?: Readable;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const compareVersions = (a: string, b: string): number => {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
};

export function encodeQuery(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class EngineClient {
  private version: string | undefined;
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(readonly socketPath: string = resolveSocketPath()) {}

  /** The negotiated API version: the lower of the daemon's and ours. */
  async apiVersion(): Promise<string> {
    if (this.version) return this.version;
    const res = await this.send('GET', '/_ping', {}, false);
    res.resume();
    const server = String(res.headers['api-version'] ?? CLIENT_MAX_API_VERSION);
    this.version = compareVersions(server, CLIENT_MAX_API_VERSION) < 0 ? server : CLIENT_MAX_API_VERSION;
    return this.version;
  }

  /** Sends a request and returns the response once it succeeded; the body is left unread. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    const res = await this.send(method, path, options, true);
    if ((res.statusCode ?? 500) >= 400) throw await this.errorFrom(res);
    return res;
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, options);
    const text = await readText(res);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A request whose response body is ignored (204s, 304s). */
  async call(method: string, path: string, options: RequestOptions = {}): Promise<number> {
    const res = await this.request(method, path, options);
    res.resume();
    return res.statusCode ?? 0;
  }

  close(): void {
    this.agent.destroy();
  }

  /** A hijacked connection (attach): resolves with the raw socket once the daemon upgraded it. */
  async hijack(path: string, options: RequestOptions = {}): Promise<{ socket: import('node:net').Socket; multiplexed: boolean }> {
    const version = await this.apiVersion();
    return new Promise((resolve, reject) => {
      const req = http.request({
        socketPath: this.socketPath,
        method: 'POST',
        path: `/v${version}${path}${encodeQuery(options.query)}`,
        headers: { Host: 'berth', Connection: 'Upgrade', Upgrade: 'tcp', ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      });
      req.on('upgrade', (res, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve({ socket, multiplexed: String(res.headers['content-type'] ?? '').includes('multiplexed') });
      });
      req.on('response', (res) => {
        void this.errorFrom(res).then(reject, reject);
      });
      req.on('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new ConnectionError(this.socketPath, err) : err));
      req.end(options.body !== undefined ? JSON.stringify(options.body) : undefined);
    });
  }

  private async send(method: string, path: string, options: RequestOptions, versioned: boolean): Promise<IncomingMessage> {
    const prefix = versioned ? `/v${await this.apiVersion()}` : '';
    const headers: Record<string, string> = { Host: 'berth', 'User-Agent': 'berth-cli', ...options.headers };
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['Content-Type'] = 'application/json';
    } else if (options.stream) {
      headers['Content-Type'] = options.contentType ?? 'application/x-tar';
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { socketPath: this.socketPath, method, path: `${prefix}${path}${encodeQuery(options.query)}`, headers, agent: this.agent, signal: options.signal },
        resolve,
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EACCES' ? new ConnectionError(this.socketPath, err) : err);
      });
      if (options.stream) {
        options.stream.on('error', (err) => req.destroy(err));
        options.stream.pipe(req);
      } else req.end(payload);
    });
  }

  private async errorFrom(res: IncomingMessage): Promise<ApiError> {
    const text = await readText(res);
    let message = text.trim();
    try {
      const parsed = JSON.parse(text) as { message?: string };
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      /* not JSON: keep the text */
    }
    return new ApiError(res.statusCode ?? 500, message || `HTTP ${res.statusCode}`);
  }
}

export async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
