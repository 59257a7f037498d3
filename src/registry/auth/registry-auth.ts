// Who may do what: no auth, htpasswd basic auth, or bearer tokens that this server issues itself at
// `/token` (distribution's token flow: 401 with `WWW-Authenticate: Bearer realm,service,scope`, the client
// fetches a token with its credentials, then retries with `Authorization: Bearer`). Tokens are HS256 JWTs
// with distribution's `access` claim, signed with the configured secret.
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SignJWT, jwtVerify } from 'jose';
import { registryError, type RegistryError } from '../errors.js';
import { ALLOW_ALL, covers, grantFromClaims, parseScope, scopeString, type Access, type Grant } from './access.js';
import { parseBasic, type Htpasswd } from './htpasswd.js';

export interface TokenOptions {
  secret: string;
  /** The `service` clients name and tokens are issued for (their audience). */
  service: string;
  /** Absolute URL of the token endpoint; derived from the request's Host when absent. */
  realm?: string;
  ttlSeconds: number;
}

export interface AuthOptions {
  htpasswd?: Htpasswd;
  token?: TokenOptions;
  /** Realm named in Basic challenges. */
  basicRealm?: string;
}

const ISSUER = 'berth-registry';

export class RegistryAuth {
  private readonly key: Uint8Array | undefined;

  constructor(private readonly options: AuthOptions) {
    this.key = options.token ? new TextEncoder().encode(options.token.secret) : undefined;
  }

  get enabled(): boolean {
    return Boolean(this.options.htpasswd || this.options.token);
  }

  get tokenService(): string | undefined {
    return this.options.token?.service;
  }

  /** The caller's grant when it covers `needed`; else a 401 carrying the challenge. */
  async authorize(req: FastifyRequest, needed: Access[]): Promise<Grant> {
    if (this.options.token) return this.authorizeBearer(req, needed, this.options.token);
    if (this.options.htpasswd) {
      const creds = parseBasic(req.headers.authorization);
      if (creds && (await this.options.htpasswd.verify(creds.user, creds.password))) return ALLOW_ALL;
      throw this.challenge(
        `Basic realm="${this.options.basicRealm ?? 'berth-registry'}"`,
        creds ? 'invalid username or password' : 'authentication required',
        needed,
      );
    }
    return ALLOW_ALL;
  }

  private async authorizeBearer(req: FastifyRequest, needed: Access[], token: TokenOptions): Promise<Grant> {
    const realm = token.realm ?? `http://${req.headers.host ?? 'localhost'}/token`;
    const scope = needed.map(scopeString).join(' ');
    const header = `Bearer realm="${realm}",service="${token.service}"${scope ? `,scope="${scope}"` : ''}`;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) throw this.challenge(header, 'authentication required', needed);
    let access: Access[];
    try {
      const { payload } = await jwtVerify(m[1] as string, this.key as Uint8Array, {
        issuer: ISSUER,
        audience: token.service,
        algorithms: ['HS256'],
      });
      access = Array.isArray(payload.access) ? (payload.access as Access[]) : [];
    } catch {
      throw this.challenge(`${header},error="invalid_token"`, 'invalid token', needed);
    }
    const grant = grantFromClaims(access);
    if (!covers(grant, needed))
      throw this.challenge(`${header},error="insufficient_scope"`, 'insufficient scope', needed);
    return grant;
  }

  // The detail is always there, as distribution sends it: Docker's client turns an error without detail and with
  // the code's stock message into a bare code, which dockerd's push does not recognise as final and retries for
  // 50 s (5 rounds of back-off) before it reports `unauthorized`.
  private challenge(header: string, message: string, needed: Access[]): RegistryError {
    const err = registryError('UNAUTHORIZED', message, needed);
    err.headers['WWW-Authenticate'] = header;
    return err;
  }

  /** The token endpoint: checks the caller's basic credentials (when an htpasswd is configured) and signs the scopes asked. */
  async issueToken(
    req: FastifyRequest,
    params: Record<string, string | string[] | undefined>,
  ): Promise<Record<string, unknown>> {
    const token = this.options.token;
    if (!token || !this.key) throw registryError('UNSUPPORTED', 'this registry issues no tokens');
    let subject = '';
    const scopes = ([] as string[]).concat(params.scope ?? []).flatMap((s) => s.split(' '));
    const access = scopes.map(parseScope).filter((a): a is Access => a !== undefined);
    const creds =
      parseBasic(req.headers.authorization) ??
      (params.username !== undefined
        ? { user: String(params.username), password: String(params.password ?? '') }
        : undefined);
    if (this.options.htpasswd) {
      if (!creds || !(await this.options.htpasswd.verify(creds.user, creds.password))) {
        throw this.challenge(
          `Basic realm="${this.options.basicRealm ?? 'berth-registry'}"`,
          creds ? 'invalid username or password' : 'authentication required',
          access,
        );
      }
      subject = creds.user;
    }
    if (params.service !== undefined && params.service !== token.service)
      throw registryError('DENIED', `unknown service ${String(params.service)}`);
    const issuedAt = new Date();
    const jwt = await new SignJWT({ access })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(token.service)
      .setSubject(subject)
      .setIssuedAt()
      .setNotBefore(Math.floor(issuedAt.getTime() / 1000) - 10)
      .setExpirationTime(`${token.ttlSeconds}s`)
      .setJti(randomBytes(12).toString('hex'))
      .sign(this.key);
    return { token: jwt, access_token: jwt, expires_in: token.ttlSeconds, issued_at: issuedAt.toISOString() };
  }
}
