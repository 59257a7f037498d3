// Authorization for one registry host: answers 401 challenges with the bearer token flow (anonymous, with
// username/password as Basic to the realm, or with a refresh token) or with Basic credentials, and keeps
// tokens per scope set until they expire.
import { unauthorized } from '../../core/errdefs.js';
import type { RegistryCredentials } from '../../core/remotes/registry-client.js';
import type { AuthChallenge } from '../../core/remotes/www-authenticate.js';
import { registryErrorText } from './registry-errors.js';

export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

/** fetch with no TLS settings of its own (the host has none). */
export const plainFetcher: Fetcher = (url, init) => fetch(url, init);

interface CachedToken {
  token: string;
  expires: number;
}

/** Tokens shared by every request of a daemon: key = host + credentials identity + scopes. */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  get(key: string): string | undefined {
    const hit = this.tokens.get(key);
    if (!hit) return undefined;
    if (hit.expires <= Date.now()) {
      this.tokens.delete(key);
      return undefined;
    }
    return hit.token;
  }

  set(key: string, token: string, expiresInSeconds: number): void {
    if (this.tokens.size > 1000) this.tokens.clear();
    // Renew a little early so a token does not expire in flight.
    this.tokens.set(key, { token, expires: Date.now() + Math.max(10, expiresInSeconds - 10) * 1000 });
  }
}

const basic = (c: RegistryCredentials): string =>
  `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;

export class Authorizer {
  /** The Authorization header that last worked (or the scheme the registry asked for). */
  private header: string | undefined;
  /** A refresh token the realm handed back (OAuth2), for the identity-token flow. */
  identityToken: string | undefined;

  constructor(
    private readonly host: string,
    private readonly credentials: RegistryCredentials | undefined,
    private readonly scopes: () => string[],
    private readonly cache: TokenCache,
    private readonly fetcher: Fetcher,
  ) {
    if (credentials?.registryToken) this.header = `Bearer ${credentials.registryToken}`;
    else {
      const cached = cache.get(this.cacheKey(scopes()));
      if (cached) this.header = `Bearer ${cached}`;
    }
  }

  private cacheKey(scopes: string[]): string {
    const who = this.credentials?.username ?? (this.credentials?.identityToken ? 'identity' : '');
    return `${this.host}|${who}|${[...scopes].sort().join(' ')}`;
  }

  authorization(): string | undefined {
    return this.header;
  }

  /**
   * Answers a 401 to a request sent with `sentWith` (undefined: sent without credentials): returns true when a
   * different Authorization header is ready to retry with (another request running in parallel may already
   * have set it). `sentWith` has no default: a default would stand in for "sent without", and a request sent
   * anonymously while another set the header would then give up instead of retrying with that header.
   */
  async respond(
    challenges: AuthChallenge[],
    extraScopes: string[],
    sentWith: string | undefined,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer?.params.realm) {
      const scopes = [
        ...new Set([...this.scopes(), ...extraScopes, ...(bearer.params.scope ? bearer.params.scope.split(' ') : [])]),
      ];
      const key = this.cacheKey(scopes);
      const token =
        this.cache.get(key) ?? (await this.fetchToken(bearer.params.realm, bearer.params.service, scopes, key, signal));
      const next = `Bearer ${token}`;
      if (next === sentWith) return false;
      this.header = next;
      return true;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      if (!this.credentials?.username) return false;
      const next = basic(this.credentials);
      if (next === sentWith) return false;
      this.header = next;
      return true;
    }
    return false;
  }

  private async fetchToken(
    realm: string,
    service: string | undefined,
    scopes: string[],
    key: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const url = new URL(realm);
    const c = this.credentials;
    let res: Response;
    if (c?.identityToken) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: c.identityToken,
        client_id: 'berth',
      });
      if (service) form.set('service', service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.fetcher(url.toString(), {
        method: 'POST',
        body: form,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        signal,
      });
    } else {
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (c?.username) {
        url.searchParams.set('account', c.username);
        url.searchParams.set('offline_token', 'true');
        url.searchParams.set('client_id', 'berth');
      }
      res = await this.fetcher(url.toString(), {
        method: 'GET',
        headers: c?.username ? { Authorization: basic(c) } : {},
        signal,
      });
    }
    const text = await res.text();
    if (res.status === 401 || res.status === 403)
      throw unauthorized(registryErrorText(res.status, text) || 'unauthorized: incorrect username or password');
    if (!res.ok)
      throw unauthorized(
        `failed to fetch a token from ${url.origin}${url.pathname}: ${res.status} ${registryErrorText(res.status, text)}`,
      );
    let body: { token?: string; access_token?: string; expires_in?: number; refresh_token?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw unauthorized(`the token server at ${url.origin} answered something that is not JSON`);
    }
    const token = body.token ?? body.access_token;
    if (!token) throw unauthorized(`the token server at ${url.origin} answered no token`);
    if (body.refresh_token) this.identityToken = body.refresh_token;
    this.cache.set(key, token, body.expires_in ?? 60);
    return token;
  }
}
