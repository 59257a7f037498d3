// Registry credentials kept as the docker CLI keeps them: $DOCKER_CONFIG/config.json (or ~/.docker/config.json),
// `auths` entries with base64 "user:password" in `auth` (or an `identitytoken`), and credential helpers
// (`credsStore` for all registries, `credHelpers` per registry) spoken to with the docker-credential-* protocol.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Docker Hub's key in config.json. */
export const INDEX_SERVER = 'https://index.docker.io/v1/';

export interface AuthEntry {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

interface ConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string; email?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

export const configPath = (env: NodeJS.ProcessEnv = process.env): string =>
  join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');

function readConfig(path: string): ConfigFile {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ConfigFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}

function writeConfig(path: string, config: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** The key a registry's credentials live under: Docker Hub's URL, else host[:port]. */
export function serverKey(domain: string): string {
  return domain === 'docker.io' || domain === 'index.docker.io' || domain === 'registry-1.docker.io'
    ? INDEX_SERVER
    : domain;
}

/** Host part of a server address given on the command line ("https://host:5000/v2/" -> "host:5000"). */
export function normaliseServer(address: string): string {
  const host = address.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return serverKey(host);
}

function helperFor(config: ConfigFile, key: string): string | undefined {
  return config.credHelpers?.[key] ?? config.credsStore;
}

function runHelper(helper: string, action: 'get' | 'store' | 'erase', input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(`docker-credential-${helper}`, [action], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', (err) =>
      reject(new Error(`error getting credentials - err: ${err.message}, out: \`${out.trim()}\``)),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(out.trim() || `docker-credential-${helper} ${action} exited with ${code}`)),
    );
    child.stdin.end(input);
  });
}

export async function getCredentials(
  key: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AuthEntry | undefined> {
  const config = readConfig(configPath(env));
  const helper = helperFor(config, key);
  if (helper) {
    try {
      const reply = JSON.parse(await runHelper(helper, 'get', key)) as { Username?: string; Secret?: string };
      if (!reply.Secret) return undefined;
      return reply.Username === '<token>'
        ? { identitytoken: reply.Secret, serveraddress: key }
        : { username: reply.Username, password: reply.Secret, serveraddress: key };
    } catch (err) {
      if (/credentials not found/i.test((err as Error).message)) return undefined;
      throw err;
    }
  }
  const entry = config.auths?.[key];
  if (!entry) return undefined;
  const out: AuthEntry = { serveraddress: key };
  if (entry.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    out.username = plain.slice(0, colon);
    out.password = plain.slice(colon + 1);
  }
  if (entry.identitytoken) out.identitytoken = entry.identitytoken;
  return out;
}

/** Returns where they went: the helper's name, or the config file's path (plain text). */
export async function storeCredentials(
  entry: AuthEntry,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ helper?: string; file: string }> {
  const path = configPath(env);
  const config = readConfig(path);
  const key = entry.serveraddress;
  const helper = helperFor(config, key);
  if (helper) {
    const secret = entry.identitytoken ?? entry.password ?? '';
    await runHelper(
      helper,
      'store',
      JSON.stringify({ ServerURL: key, Username: entry.identitytoken ? '<token>' : entry.username, Secret: secret }),
    );
    config.auths = { ...config.auths, [key]: {} };
  } else {
    const value: { auth?: string; identitytoken?: string } = {};
    if (entry.identitytoken) {
      value.auth = Buffer.from(`${entry.username ?? ''}:`).toString('base64');
      value.identitytoken = entry.identitytoken;
    } else value.auth = Buffer.from(`${entry.username ?? ''}:${entry.password ?? ''}`).toString('base64');
    config.auths = { ...config.auths, [key]: value };
  }
  writeConfig(path, config);
  return { helper, file: path };
}

/** False when there was nothing stored for `key`. */
export async function eraseCredentials(key: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const path = configPath(env);
  const config = readConfig(path);
  const helper = helperFor(config, key);
  const known = Boolean(config.auths?.[key]);
  if (helper) await runHelper(helper, 'erase', key).catch(() => undefined);
  if (!known && !helper) return false;
  if (config.auths) delete config.auths[key];
  writeConfig(path, config);
  return known || Boolean(helper);
}

/** The X-Registry-Auth header for a registry: base64url JSON of the stored AuthConfig, `e30=` ("{}") when none. */
export async function registryAuthHeader(domain: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const entry = await getCredentials(serverKey(domain), env).catch(() => undefined);
  const json = entry ? JSON.stringify(entry) : '{}';
  return Buffer.from(json).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
