// The registry client driver: repositories over HTTP(S) with token or basic auth, shared per daemon
// (endpoints found once per host, bearer tokens cached per scope).
import { z } from 'zod';
import { internal, unauthorized } from '../../core/errdefs.js';
import type {
  RegistryClient,
  RegistryCredentials,
  RemoteRepository,
  SearchResult,
} from '../../core/remotes/registry-client.js';
import { DOCKER_INDEX_HOST, registryHost } from '../../core/remotes/registry-host.js';
import { parseSearchResults } from './search-results.js';
import { parseWwwAuthenticate, repositoryScope } from '../../core/remotes/www-authenticate.js';
import { Authorizer, TokenCache } from './authorizer.js';
import { DEFAULT_RETRY, Endpoints, RegistryHttp } from './registry-http.js';
import { DEFAULT_UPLOAD, HttpRemoteRepository } from './remote-repository.js';
import { registryErrorText, statusText } from './registry-errors.js';
import {
  domainTls,
  pullEndpoints,
  mirrorEndpoint,
  type RegistryEndpoint,
  type RegistryHostsConfig,
} from './registry-hosts.js';
import { tlsFetcher, type RegistryTls } from './registry-tls.js';
import { FailoverRepository } from './failover-repository.js';

export const registryClientConfigSchema = z
  .object({
    /** host[:port] or IPv4 CIDR allowed over plain HTTP (loopback always is). */
    insecureRegistries: z.array(z.string()).default([]),
    /** Registries never contacted (host[:port], or docker.io); requests to them fail as Forbidden. */
    blockedRegistries: z.array(z.string()).default([]),
    /**
     * containerd's hosts directory (DIR/<domain>/hosts.toml): pull mirrors and TLS per registry domain; Docker's
     * certs.d files (*.crt, *.cert + *.key) in a domain's directory without hosts.toml.
     */
    hostsDir: z.string().optional(),
    /** dockerd's registry-mirrors: Docker Hub pulls try these URLs in order, then Docker Hub. */
    registryMirrors: z
      .array(z.string())
      .default([])
      .superRefine((urls, ctx) => {
        for (const url of urls)
          try {
            mirrorEndpoint(url);
          } catch (err) {
            ctx.addIssue({ code: 'custom', message: (err as Error).message });
          }
      }),
    retryAttempts: z.number().int().min(1).default(DEFAULT_RETRY.attempts),
    retryDelayMs: z.number().int().min(0).default(DEFAULT_RETRY.baseDelayMs),
    monolithicMax: z.number().int().min(0).default(DEFAULT_UPLOAD.monolithicMax),
    chunkSize: z.number().int().min(1).default(DEFAULT_UPLOAD.chunkSize),
  })
  .strict();

export class HttpRegistryClient implements RegistryClient {
  private readonly config: z.infer<typeof registryClientConfigSchema>;
  private readonly endpoints: Endpoints;
  private readonly tokens = new TokenCache();
  /** Where pulls go and which TLS a host has: containerd's hosts directory and dockerd's registry-mirrors. */
  private readonly hosts: RegistryHostsConfig;

  constructor(config: z.input<typeof registryClientConfigSchema> = {}) {
    this.config = registryClientConfigSchema.parse(config);
    this.endpoints = new Endpoints(this.config.insecureRegistries, this.config.blockedRegistries);
    this.hosts = { hostsDir: this.config.hostsDir, mirrors: this.config.registryMirrors };
  }

  private http(
    host: string,
    credentials: RegistryCredentials | undefined,
    scopes: string[],
    endpoint?: RegistryEndpoint,
    attempts = this.config.retryAttempts,
    tls: RegistryTls | undefined = endpoint?.tls,
  ): RegistryHttp {
    // Token requests go through the registry host's TLS configuration too, as dockerd's and containerd's do.
    const fetcher = tlsFetcher(tls);
    const authorizer = new Authorizer(host, credentials, () => scopes, this.tokens, fetcher);
    return new RegistryHttp(
      host,
      this.endpoints,
      authorizer,
      { attempts, baseDelayMs: this.config.retryDelayMs },
      // A host given TLS settings speaks TLS: never probed for plain HTTP.
      endpoint?.scheme ?? (tls ? 'https' : undefined),
      endpoint?.apiRoot,
      fetcher,
    );
  }

  repository(
    domain: string,
    path: string,
    credentials: RegistryCredentials | undefined,
    actions: readonly ('pull' | 'push')[],
  ): RemoteRepository {
    const scopes = [repositoryScope(path, actions)];
    const upload = { monolithicMax: this.config.monolithicMax, chunkSize: this.config.chunkSize };
    // Pushes always go to the domain itself; pulls to its configured endpoints, in order.
    const endpoints = actions.includes('push') ? [] : pullEndpoints(this.hosts, domain);
    // The domain's own TLS configuration (pushes, logins).
    const pushTls = endpoints.length === 0 ? domainTls(this.hosts, domain) : undefined;
    const at = (endpoint?: RegistryEndpoint, attempts?: number): HttpRemoteRepository =>
      new HttpRemoteRepository(
        domain,
        path,
        this.http(
          endpoint?.host ?? registryHost(domain),
          credentials,
          scopes,
          endpoint,
          attempts,
          endpoint?.tls ?? pushTls,
        ),
        upload,
      );
    if (endpoints.length <= 1) return at(endpoints[0]);
    // An endpoint with another after it is asked once (no back-off): a failure there moves on, as dockerd and
    // containerd move on to the next host.
    return new FailoverRepository(
      domain,
      path,
      endpoints.map((e, i) => ({
        repository: at(e, i < endpoints.length - 1 ? 1 : undefined),
        capabilities: e.capabilities,
      })),
    );
  }

  async login(
    domain: string,
    credentials: RegistryCredentials,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ identityToken?: string }> {
    const http = this.http(registryHost(domain), credentials, [], undefined, undefined, domainTls(this.hosts, domain));
    const url = await http.url('/v2/', options.signal);
    const res = await http.send('GET', '/v2/', { signal: options.signal });
    const body = await res.text();
    if (res.status === 200) return http.auth.identityToken ? { identityToken: http.auth.identityToken } : {};
    if (res.status === 401) {
      const challenges = parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '');
      // No credentials were accepted: Docker's wording for a registry that keeps answering 401.
      if (challenges.length === 0 || credentials.username)
        throw unauthorized(`login attempt to ${url} failed with status: 401 ${statusText(401)}`);
    }
    throw unauthorized(
      `login attempt to ${url} failed with status: ${res.status} ${statusText(res.status) || registryErrorText(res.status, body)}`,
    );
  }

  async search(
    domain: string,
    query: string,
    limit: number,
    credentials: RegistryCredentials | undefined,
    options: { signal?: AbortSignal } = {},
  ): Promise<SearchResult[]> {
    const host = domain === 'docker.io' || domain === DOCKER_INDEX_HOST ? DOCKER_INDEX_HOST : registryHost(domain);
    const http = this.http(host, credentials, []);
    const path = `/v1/search?${new URLSearchParams({ q: query, n: String(limit) }).toString()}`;
    const res = await http.send('GET', path, { headers: { 'X-Docker-Token': 'true' }, signal: options.signal });
    const body = await res.text();
    // Docker's words and status (500) for a registry without the v1 search API (a plain v2 registry answers 404).
    if (res.status !== 200)
      throw internal(
        `Unexpected status code ${res.status}${res.status === 404 ? ` (registry ${host} has no search API, /v1/search)` : ''}`,
      );
    return parseSearchResults(body);
  }
}
