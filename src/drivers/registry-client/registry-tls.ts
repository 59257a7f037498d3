// TLS per registry host, as Docker's certs.d and containerd's hosts.toml give it: extra CA roots (added to the
// default roots, as both add to the system pool), client certificates, containerd's skip_verify. Node's fetch
// takes per-host TLS settings only through an undici dispatcher: one Agent per distinct configuration, cached by
// the files' contents (an edited file takes effect at the next lookup, no restart); Node's global TLS settings
// are never touched. undici is pinned to the version Node 20 bundles, so its Agent speaks the built-in fetch's
// dispatcher interface.
import { createHash, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import { invalidArgument } from '../../core/errdefs.js';
import { plainFetcher, type Fetcher } from './authorizer.js';

export interface RegistryTls {
  /** CA files (PEM), trusted beside the default roots. */
  ca: string[];
  /** Client certificates: a certificate file and its key file, or one file holding both. */
  clients: { cert: string; key?: string }[];
  /** containerd's skip_verify: the server's certificate chain and name are not checked. */
  skipVerify?: boolean;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Docker's certs.d directory (ReadCertsDirectory): `*.crt` are CA roots, `*.cert` + `*.key` of the same name a
 * client certificate; a `.cert` without its `.key`, or the reverse, is an error worded as dockerd's. Undefined
 * when the directory is missing or holds none of them.
 */
export function readCertsDirectory(dir: string): RegistryTls | undefined {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw invalidArgument(`${dir}: ${(err as Error).message}`);
  }
  const tls: RegistryTls = { ca: [], clients: [] };
  for (const name of names) {
    if (name.endsWith('.crt')) tls.ca.push(join(dir, name));
    if (name.endsWith('.cert')) {
      const key = `${name.slice(0, -'.cert'.length)}.key`;
      if (!names.includes(key))
        throw invalidArgument(
          `missing key ${key} for client certificate ${name} in ${dir}. Note that CA certificates should use the extension .crt`,
        );
      tls.clients.push({ cert: join(dir, name), key: join(dir, key) });
    }
    if (name.endsWith('.key') && !names.includes(`${name.slice(0, -'.key'.length)}.cert`))
      throw invalidArgument(
        `missing client certificate ${name.slice(0, -'.key'.length)}.cert for key ${name} in ${dir}`,
      );
  }
  return tls.ca.length > 0 || tls.clients.length > 0 ? tls : undefined;
}

function read(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw invalidArgument(`unable to read ${what} "${file}": ${(err as Error).message}`);
  }
}

/** The roots Node's fetch trusts by default: its bundled store and NODE_EXTRA_CA_CERTS. */
let defaultRoots: string[] | undefined;
function defaultCa(): string[] {
  if (!defaultRoots) {
    const extra = process.env.NODE_EXTRA_CA_CERTS;
    let extraCerts: string[] = [];
    try {
      extraCerts = extra ? (readFileSync(extra, 'utf8').match(PEM_CERTIFICATE) ?? []) : [];
    } catch {
      /* Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS */
    }
    defaultRoots = [...rootCertificates, ...extraCerts];
  }
  return defaultRoots;
}

/** The configuration's files as read: what identifies it (an edited file makes a new configuration). */
interface TlsTexts {
  ca: { file: string; text: string }[];
  clients: { cert: string; key?: string; certText: string; keyText: string }[];
}

function readTexts(tls: RegistryTls): TlsTexts {
  return {
    ca: tls.ca.map((file) => ({ file, text: read(file, 'CA cert') })),
    clients: tls.clients.map((pair) => {
      const certText = read(pair.cert, 'client certificate');
      return { ...pair, certText, keyText: pair.key ? read(pair.key, 'client key') : certText };
    }),
  };
}

/** The files checked: each CA file must hold certificates, each client pair must match. */
function checked(texts: TlsTexts): { ca: string[]; cert: string[]; key: string[] } {
  const ca: string[] = [];
  for (const { file, text } of texts.ca) {
    const blocks = text.match(PEM_CERTIFICATE) ?? [];
    try {
      if (blocks.length === 0) throw new Error('no PEM certificate in it');
      for (const block of blocks) new X509Certificate(block);
    } catch (err) {
      throw invalidArgument(`unable to load CA cert "${file}": ${(err as Error).message}`);
    }
    ca.push(...blocks);
  }
  for (const pair of texts.clients) {
    try {
      createSecureContext({ cert: pair.certText, key: pair.keyText });
    } catch (err) {
      const files = pair.key ? `"${pair.cert}" and "${pair.key}"` : `"${pair.cert}"`;
      throw invalidArgument(`failed to load X509 key pair from ${files}: ${(err as Error).message}`);
    }
  }
  return { ca, cert: texts.clients.map((p) => p.certText), key: texts.clients.map((p) => p.keyText) };
}

const agents = new Map<string, Agent>();
/** Configurations kept at once; the oldest is closed beyond it (edited files leave old ones behind). */
const MAX_AGENTS = 32;

/**
 * The dispatcher for a TLS configuration, made once per distinct set of file contents. The files are read at each
 * lookup; they are checked and parsed only for contents not seen before (bad contents never make an agent, so
 * they are checked, and refused, each time).
 */
function agentFor(tls: RegistryTls): Agent {
  const texts = readTexts(tls);
  const id = createHash('sha256')
    .update(JSON.stringify([texts.ca.map((c) => c.text), texts.clients.map((c) => [c.certText, c.keyText])]))
    .update(tls.skipVerify === true ? '1' : '0')
    .digest('hex');
  let agent = agents.get(id);
  if (!agent) {
    const files = checked(texts);
    agent = new Agent({
      connect: {
        ...(files.ca.length > 0 ? { ca: [...defaultCa(), ...files.ca] } : {}),
        ...(files.cert.length > 0 ? { cert: files.cert, key: files.key } : {}),
        rejectUnauthorized: tls.skipVerify !== true,
      },
    });
    agents.set(id, agent);
    const oldest = agents.keys().next().value;
    if (agents.size > MAX_AGENTS && oldest !== undefined) {
      void agents.get(oldest)?.close();
      agents.delete(oldest);
    }
  }
  return agent;
}

/** fetch through the host's TLS configuration (Node's own fetch with the default dispatcher without one). */
export function tlsFetcher(tls: RegistryTls | undefined): Fetcher {
  if (!tls) return plainFetcher;
  const dispatcher = agentFor(tls);
  return (url, init) => fetch(url, { ...init, dispatcher } as RequestInit);
}
