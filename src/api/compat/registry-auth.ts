// X-Registry-Auth (base64url JSON of Docker's AuthConfig) and POST /auth bodies, as registry credentials.
import type { RegistryCredentials } from '../../core/remotes/registry-client.js';

export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64 "user:password", as config.json keeps it. */
  auth?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export function credentialsOf(config: AuthConfig | undefined): RegistryCredentials | undefined {
  if (!config) return undefined;
  let { username, password } = config;
  if (!username && config.auth) {
    const plain = Buffer.from(config.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon > 0) [username, password] = [plain.slice(0, colon), plain.slice(colon + 1)];
  }
  const out: RegistryCredentials = {};
  if (username) out.username = username;
  if (password) out.password = password;
  if (config.identitytoken) out.identityToken = config.identitytoken;
  if (config.registrytoken) out.registryToken = config.registrytoken;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The header's credentials; a missing, empty or unreadable header means anonymous, as dockerd treats it. */
export function credentialsFromHeader(header: string | string[] | undefined): RegistryCredentials | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  try {
    const json = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    return credentialsOf(JSON.parse(json) as AuthConfig);
  } catch {
    return undefined;
  }
}
