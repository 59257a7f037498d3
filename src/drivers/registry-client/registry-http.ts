// HTTP to one registry host: picks https, or plain http only where allowed (loopback, --insecure-registry:
// https is tried first, as Docker does); answers auth challenges through the Authorizer; retries network
// errors and 5xx/429 with exponential back-off when the request body can be sent again.
import { setTimeout as sleep } from 'node:timers/promises';
import { forbidden, unavailable } from '../../core/errdefs.js';
import { allowsPlainHttp, DOCKER_HUB_HOST, DOCKER_INDEX_HOST } from '../../core/remotes/registry-host.js';
import { parseWwwAuthenticate } from '../../core/remotes/www-authenticate.js';
import { plainFetcher, type Authorizer, type Fetcher } from './authorizer.js';
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

  /**
   * `scheme` given (a configured mirror's URL): no probing, but a blocked host stays blocked. `fetcher` carries
   * the host's TLS configuration for the probe.
   */
  base(
    host: string,
    signal?: AbortSignal,
    scheme?: 'http' | 'https',
    fetcher: Fetcher = plainFetcher,
  ): Promise<string> {
    const hub = host === DOCKER_HUB_HOST || host === DOCKER_INDEX_HOST;
    if (this.blocked.includes(host) || (hub && this.blocked.includes('docker.io'))) {
      return Promise.reject(
        forbidden(`registry ${hub ? 'docker.io' : host} is blocked by the daemon's configuration (blocked-registries)`),
      );
    }
    if (scheme) return Promise.resolve(`${scheme}://${host}`);
    let found = this.bases.get(host);
    if (!found) {
      found = this.probe(host, fetcher, signal);
      this.bases.set(host, found);
      found.catch(() => this.bases.delete(host));
    }
    return found;
  }

  private async probe(host: string, fetcher: Fetcher, signal?: AbortSignal): Promise<string> {
    if (!allowsPlainHttp(host, this.insecure)) return `https://${host}`;
    try {
      const res = await fetcher(`https://${host}/v2/`, {
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(5000)]) : AbortSignal.timeout(5000),
      });
      await res.body?.cancel();
      return `https://${host}`;
    } catch (err) {
      signal?.throwIfAborted();
      // A host that speaks TLS but fails the handshake (its certificate unverified, a client certificate
      // required) stays https, so the pull fails with the reason instead of an HTTP request to a TLS port.
      return isTlsFailure(err) ? `https://${host}` : `http://${host}`;
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
    /** fetch with the host's TLS configuration (registry-tls.ts). */
    private readonly fetcher: Fetcher = plainFetcher,
  ) {}

  async url(pathOrUrl: string, signal?: AbortSignal): Promise<string> {
    if (/^https?:\/\//.test(pathOrUrl)) return pathOrUrl;
    const path = pathOrUrl === '/v2' || pathOrUrl.startsWith('/v2/') ? this.apiRoot + pathOrUrl.slice(3) : pathOrUrl;
    return `${await this.endpoints.base(this.host, signal, this.scheme, this.fetcher)}${path}`;
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
        res = await this.fetcher(url, {
          method,
          headers,
          body: options.stream ?? options.body,
          signal: options.signal,
          redirect: 'follow',
          ...(options.stream ? { duplex: 'half' } : {}),
        } as RequestInit);
      } catch (err) {
        options.signal?.throwIfAborted();
        // A failed handshake fails the same way again: no retries.
        if (!replayable || isTlsFailure(err) || ++failures >= this.retry.attempts)
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

/** OpenSSL's verify results for a chain no trusted root signs, in Go's words as dockerd and containerd print. */
const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);
const X509_WORDS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'x509: certificate has expired or is not yet valid',
  CERT_NOT_YET_VALID: 'x509: certificate has expired or is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'x509: certificate is not valid for this host',
};

type Cause = { code?: string; message?: string; socket?: { bytesRead?: number } };
const causeOf = (err: unknown): Cause | undefined => (err as { cause?: Cause }).cause;

/** A handshake failure: the server's certificate not verified, or the server's alert (e.g. a bad certificate). */
export function isTlsFailure(err: unknown): boolean {
  const code = causeOf(err)?.code ?? '';
  // Not ERR_SSL_WRONG_VERSION_NUMBER & co: those are a plain HTTP server answering a TLS hello.
  return UNKNOWN_AUTHORITY.has(code) || code in X509_WORDS || /^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_/.test(code);
}

/** fetch's "fetch failed" hides the reason in `cause`; a certificate failure is told as Go's x509 errors. */
export function describe(err: unknown): string {
  const cause = causeOf(err);
  if (cause?.code) {
    const x509 = UNKNOWN_AUTHORITY.has(cause.code)
      ? 'tls: failed to verify certificate: x509: certificate signed by unknown authority: '
      : X509_WORDS[cause.code]
        ? `tls: failed to verify certificate: ${X509_WORDS[cause.code]}: `
        : '';
    // A TLS 1.3 server refusing the client's certificate (or its absence) alerts after the handshake; Node's
    // client only sees the connection closed before any answer.
    const unanswered =
      cause.code === 'UND_ERR_SOCKET' && cause.socket?.bytesRead === 0
        ? ': the server closed the connection without answering, as a TLS registry asking for a client certificate does when it gets none it accepts'
        : '';
    return `${x509}${cause.code}${cause.message ? ` (${cause.message})` : ''}${unanswered}`;
  }
  return (err as Error).message ?? String(err);
}
