// Runs berth's OCI registry server: on its own (`berth registry serve`) or inside berthd (`--registry-addr`).
// Its root is its own: `<root>/content` (a content store of its own, so the registry's garbage collection
// never touches berthd's image blobs), `<root>/uploads` (upload staging), `<root>/registry.db` (index).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { LocalContentStore } from '../drivers/content-local/local-content-store.js';
import { SqliteRegistryIndex } from '../drivers/registry-index-sqlite/sqlite-registry-index.js';
import type { Logger } from '../lib/logger.js';
import { Htpasswd } from '../registry/auth/htpasswd.js';
import { createRegistryServer, type RegistryServer } from '../registry/server.js';
import { RootLock } from './root-lock.js';

export interface RegistryHostOptions {
  /** `host:port`; port 0 picks a free one. */
  addr: string;
  root: string;
  htpasswd?: string;
  tokenSecret?: string;
  tokenService?: string;
  tokenRealm?: string;
  /** Collect garbage every this many ms (0: only on `POST /_berth/gc`). */
  gcIntervalMs?: number;
  /** Lease of an unreferenced blob link (see registry/gc.ts). */
  gcGraceMs?: number;
}

export interface RegistryHost {
  /** `host:port` actually bound. */
  address: string;
  server: RegistryServer;
  close(): Promise<void>;
}

export function parseAddr(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new Error(`invalid registry address ${JSON.stringify(addr)}: want host:port`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port: Number(m[3]) };
}

export async function startRegistryHost(options: RegistryHostOptions, logger: Logger): Promise<RegistryHost> {
  const { host, port } = parseAddr(options.addr);
  if (options.tokenSecret !== undefined && options.tokenSecret.length < 16)
    throw new Error('the registry token secret must be at least 16 characters');
  mkdirSync(options.root, { recursive: true });
  const lock = RootLock.acquire(options.root, { file: 'registry.lock', what: 'registry' });
  const content = new LocalContentStore({ root: join(options.root, 'content') });
  let index: SqliteRegistryIndex | undefined;
  try {
    await content.cleanupIngests();
    index = new SqliteRegistryIndex({ root: options.root });
    const server = createRegistryServer({
      content,
      index,
      uploadsDir: join(options.root, 'uploads'),
      logger,
      auth: {
        ...(options.htpasswd ? { htpasswd: Htpasswd.load(options.htpasswd) } : {}),
        ...(options.tokenSecret
          ? {
              token: {
                secret: options.tokenSecret,
                service: options.tokenService ?? 'berth-registry',
                ttlSeconds: 300,
                ...(options.tokenRealm ? { realm: options.tokenRealm } : {}),
              },
            }
          : {}),
      },
      gc: { ...(options.gcGraceMs !== undefined ? { graceMs: options.gcGraceMs } : {}) },
    });
    await server.app.listen({ host, port });
    const bound = server.app.server.address() as AddressInfo;
    const address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
    let timer: NodeJS.Timeout | undefined;
    let collecting: Promise<unknown> = Promise.resolve();
    if (options.gcIntervalMs) {
      timer = setInterval(() => {
        collecting = server.gc
          .collect()
          .catch((err: unknown) => logger.error({ err }, 'registry garbage collection failed'));
      }, options.gcIntervalMs);
      timer.unref();
    }
    logger.info({ address, root: options.root }, 'registry listening');
    const opened = index;
    return {
      address,
      server,
      async close() {
        if (timer) clearInterval(timer);
        await server.app.close();
        await collecting;
        opened.close();
        lock.release();
      },
    };
  } catch (err) {
    index?.close();
    lock.release();
    throw err;
  }
}
