// berth's registry for tests: in this process (protocol tests) or as a real `berth registry serve` child
// (crash and peer tests), plus a tiny distribution client to push made-up images.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LocalContentStore } from '../../src/drivers/content-local/local-content-store.js';
import { SqliteRegistryIndex } from '../../src/drivers/registry-index-sqlite/sqlite-registry-index.js';
import { silentLogger } from '../../src/lib/logger.js';
import { sha256, type Digest } from '../../src/lib/digest.js';
import { createRegistryServer, type RegistryServer, type RegistryServerOptions } from '../../src/registry/server.js';
import { BERTH } from './daemon.js';
import { stopAtExit } from './teardown.js';

export interface TestRegistry {
  url: string;
  /** `127.0.0.1:PORT`. */
  addr: string;
  root: string;
  server?: RegistryServer;
  process?: ChildProcess;
  logs(): string;
  kill9(): Promise<void>;
  close(): Promise<void>;
}

/** `clock.offsetMs` shifts the index's clock (lease times), to make pushes look old to GC without waiting. */
export async function startInProcessRegistry(
  options: Partial<Omit<RegistryServerOptions, 'content' | 'index' | 'uploadsDir' | 'logger'>> = {},
  clock = { offsetMs: 0 },
): Promise<TestRegistry> {
  const root = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const index = new SqliteRegistryIndex({ root }, () => Date.now() + clock.offsetMs);
  const server = createRegistryServer({
    content: new LocalContentStore({ root: join(root, 'content') }),
    index,
    uploadsDir: join(root, 'uploads'),
    logger: silentLogger(),
    ...options,
  });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.app.server.address() as { port: number };
  const addr = `127.0.0.1:${port}`;
  return {
    url: `http://${addr}`,
    addr,
    root,
    server,
    logs: () => '',
    kill9: () => Promise.reject(new Error('in-process registry')),
    async close() {
      await server.app.close();
      index.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * `berth registry serve` as a child process on a free port. `prefix` runs it through another command (e.g.
 * nsenter into a rootless daemon's network namespace, so that its 127.0.0.1 is the daemon's).
 */
export async function startRegistryProcess(
  options: { root?: string; args?: string[]; prefix?: string[] } = {},
): Promise<TestRegistry> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const [command, ...prefixArgs] = [...(options.prefix ?? []), process.execPath];
  const child = spawn(
    command as string,
    [
      ...prefixArgs,
      BERTH,
      'registry',
      'serve',
      '--addr',
      '127.0.0.1:0',
      '--root',
      join(root, 'r'),
      '--log-level',
      'debug',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  stopAtExit(child);
  let out = '';
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
  const addr = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /listening on http:\/\/(\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`registry exited with ${code}:\n${err}`)));
  });
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    url: `http://${addr}`,
    addr,
    root,
    process: child,
    logs: () => err,
    async kill9() {
      if (exited()) return;
      const done = once(child, 'exit');
      child.kill('SIGKILL');
      await done;
    },
    async close() {
      if (!exited()) {
        const done = once(child, 'exit');
        child.kill('SIGTERM');
        await done;
      }
      if (!options.root) rmSync(root, { recursive: true, force: true });
    },
  };
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface Blob {
  bytes: Buffer;
  digest: Digest;
}

export const blobOf = (bytes: Buffer | string): Blob => {
  const b = Buffer.from(bytes);
  return { bytes: b, digest: sha256(b) };
};

export const randomBlob = (size = 1024): Blob => blobOf(randomBytes(size));

/** Monolithic upload: POST ?digest= with the body. */
export async function pushBlob(
  url: string,
  repo: string,
  blob: Blob,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/v2/${repo}/blobs/uploads/?digest=${blob.digest}`, {
    method: 'POST',
    body: blob.bytes,
    headers: { 'content-type': 'application/octet-stream', ...headers },
  });
}

export function imageManifest(config: Blob, layers: Blob[], extra: Record<string, unknown> = {}): Buffer {
  const desc = (b: Blob, mediaType: string) => ({ mediaType, digest: b.digest, size: b.bytes.length });
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: desc(config, 'application/vnd.oci.image.config.v1+json'),
      layers: layers.map((l) => desc(l, 'application/vnd.oci.image.layer.v1.tar')),
      ...extra,
    }),
  );
}

export async function pushManifest(
  url: string,
  repo: string,
  ref: string,
  bytes: Buffer,
  mediaType = OCI_MANIFEST,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    body: bytes,
    headers: { 'content-type': mediaType, ...headers },
  });
}

/** A made-up image (config + `layers` random layers) pushed under `repo:tag`; returns its manifest. */
export async function pushImage(
  url: string,
  repo: string,
  tag: string,
  layers = 2,
  headers: Record<string, string> = {},
): Promise<{ manifest: Blob; blobs: Blob[] }> {
  const config = blobOf(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
      nonce: randomBytes(8).toString('hex'),
    }),
  );
  const layerBlobs = Array.from({ length: layers }, () => randomBlob(2048));
  for (const b of [config, ...layerBlobs]) {
    const res = await pushBlob(url, repo, b, headers);
    if (res.status !== 201) throw new Error(`blob push: ${res.status} ${await res.text()}`);
  }
  const manifest = blobOf(imageManifest(config, layerBlobs));
  const res = await pushManifest(url, repo, tag, manifest.bytes, OCI_MANIFEST, headers);
  if (res.status !== 201) throw new Error(`manifest push: ${res.status} ${await res.text()}`);
  return { manifest, blobs: [config, ...layerBlobs] };
}

export async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { errors?: { code: string }[] };
  return body.errors?.[0]?.code;
}
