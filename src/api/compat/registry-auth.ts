// X-Registry-Auth (base64url JSON of Docker's AuthConfig) and POST /auth bodies, as registry credentials.
import { z } from 'zod';
import { invalidArgument } from '../../core/errdefs.js';
import type { RegistryCredentials } from '../../core/remotes/registry-client.js';

/** Docker's AuthConfig: every field a string; other keys (email, ...) ignored as Go's decoder does. */
const authConfigSchema = z.object({
  username: z.string().optional(),
  password: z.string().optional(),
  /** base64 "user:password", as config.json keeps it. */
  auth: z.string().optional(),
  email: z.string().optional(),
  serveraddress: z.string().optional(),
  identitytoken: z.string().optional(),
  registrytoken: z.string().optional(),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;

/** A registry address as `docker login` takes it: host[:port], optionally with a scheme and a path. */
const SERVER_ADDRESS =
  /^(https?:\/\/)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?(\/[\x21-\x7e]*)?$/;

/** A POST /auth body, checked whole before anything reaches a registry; InvalidArgument (400) otherwise. */
export function parseAuthBody(body: unknown): AuthConfig {
  const parsed = authConfigSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidArgument(
      `invalid auth configuration: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'malformed'}`,
    );
  }
  const address = parsed.data.serveraddress;
  if (address && !SERVER_ADDRESS.test(address))
    throw invalidArgument(`invalid registry address: ${JSON.stringify(address.slice(0, 100))}`);
  return parsed.data;
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
    const parsed = authConfigSchema.safeParse(JSON.parse(json));
    return parsed.success ? credentialsOf(parsed.data) : undefined;
  } catch {
    return undefined;
  }
}
