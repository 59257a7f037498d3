// HTTP to one registry host: picks https, or plain http only where allowed (loopback, --insecure-registry:
// https is tried first, as Docker does); answers auth challenges through the Authorizer; retries network
// errors and 5xx/429 with exponential back-off when the request body can be sent again.
import { setTimeout as sleep } from 'node:timers/promises';
import { forbidden, unavailable } from '../../core/errdefs.js';
import { allowsPlainHttp, DOCKER_HUB_HOST, DOCKER_INDEX_HOST } from '../../core/remotes/registry-host.js';
import { parseWwwAuthenticate } from '../../core/remotes/www-authenticate.js';
import type { Authorizer } from './authorizer.js';
import { isRetryableStatus } from './registry-errors.js';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250 };

/** Where each host's API lives (https://host or http://host), found once per daemon. */
export class Endpoints {
  private readonly bases = new Map<string, Promise<string>>();

  constructor(
    private readonly insecure: readonly string[],
    private readonly blocked: readonly string[] = [],
  ) {}

  /** `scheme` given (a configured mirror's URL): no probing, but a blocked host stays blocked. */
  base(host: string, signal?: AbortSignal, scheme?: 'http' | 'https'): Promise<string> {
    const hub = host === DOCKER_HUB_HOST || host === DOCKER_INDEX_HOST;
    if (this.blocked.includes(host) || (hub && this.blocked.includes('docker.io'))) {
      return Promise.reject(
        forbidden(`registry ${hub ? 'docker.io' : host} is blocked by the daemon's configuration (blocked-registries)`),
      );
    }
    if (scheme) return Promise.resolve(`${scheme}://${host}`);
    let found = this.bases.get(host);
    if (!found) {
      found = this.probe(host, signal);
      this.bases.set(host, found);
      found.catch(() => this.bases.delete(host));
    }
    return found;
  }

  private async probe(host: string, signal?: AbortSignal): Promise<string> {
    if (!allowsPlainHttp(host, this.insecure)) return `https://${host}`;
    try {
      const res = await fetch(`https://${host}/v2/`, {
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(5000)]) : AbortSignal.timeout(5000),
      });
      await res.body?.cancel();
      return `https://${host}`;
    } catch (err) {
      signal?.throwIfAborted();
      void err;
      return `http://${host}`;
    }
  }
}

export const backoff = (attempt: number, policy: RetryPolicy, signal?: AbortSignal): Promise<void> =>
  sleep(policy.baseDelayMs * 2 ** attempt * (0.75 + Math.random() / 2), undefined, { signal });

export interface SendOptions {
  headers?: Record<string, string>;
  /** A replayable body; streaming bodies go through `stream` and are sent once. */
  body?: Buffer | string;
  stream?: AsyncIterable<Uint8Array>;
  signal?: AbortSignal;
  /** Scopes needed beyond the repository's own (cross-repository mounts). */
  extraScopes?: string[];
}

export class RegistryHttp {
  constructor(
    readonly host: string,
    private readonly endpoints: Endpoints,
    readonly auth: Authorizer,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    /** Set for a configured mirror: its URL's scheme, not probed. */
    private readonly scheme?: 'http' | 'https',
    /** Where the API lives on the host when not at /v2 (a mirror URL's path). */
    private readonly apiRoot = '/v2',
  ) {}

  async url(pathOrUrl: string, signal?: AbortSignal): Promise<string> {
    if (/^https?:\/\//.test(pathOrUrl)) return pathOrUrl;
    const path = pathOrUrl === '/v2' || pathOrUrl.startsWith('/v2/') ? this.apiRoot + pathOrUrl.slice(3) : pathOrUrl;
    return `${await this.endpoints.base(this.host, signal, this.scheme)}${path}`;
  }

  /** Sends a request; 401s are answered once per new credential, transient failures retried. */
  async send(method: string, pathOrUrl: string, options: SendOptions = {}): Promise<Response> {
    const url = await this.url(pathOrUrl, options.signal);
    const replayable = options.stream === undefined;
    let failures = 0;
    let authRounds = 0;
    for (;;) {
      const headers: Record<string, string> = { 'User-Agent': 'berth', ...options.headers };
      const authorization = this.auth.authorization();
      if (authorization) headers.Authorization = authorization;
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers,
          body: options.stream ?? options.body,
          signal: options.signal,
          redirect: 'follow',
          ...(options.stream ? { duplex: 'half' } : {}),
        } as RequestInit);
      } catch (err) {
        options.signal?.throwIfAborted();
        if (!replayable || ++failures >= this.retry.attempts)
          throw unavailable(`${method} ${url}: ${describe(err)}`, err);
        await backoff(failures - 1, this.retry, options.signal);
        continue;
      }
      if (res.status === 401 && authRounds < 2) {
        const challenges = parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '');
        if (
          challenges.length > 0 &&
          (await this.auth.respond(challenges, options.extraScopes ?? [], authorization, options.signal))
        ) {
          await res.body?.cancel();
          authRounds++;
          if (replayable) continue;
        }
      }
      if (isRetryableStatus(res.status) && replayable && ++failures < this.retry.attempts) {
        await res.body?.cancel();
        await backoff(failures - 1, this.retry, options.signal);
        continue;
      }
      return res;
    }
  }
}

/** fetch's "fetch failed" hides the reason in `cause`. */
export function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return (err as Error).message ?? String(err);
}
