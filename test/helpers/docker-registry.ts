// Starts Debian's docker-registry (the distribution project's server) on 127.0.0.1 with a temporary config
// and storage, optionally with htpasswd (bcrypt) basic auth and TLS (optionally asking for a client certificate
// signed by a given CA), for registry client tests.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { stopAtExit } from './teardown.js';

export interface TestRegistry {
  /** host:port, e.g. 127.0.0.1:41234. */
  host: string;
  port: number;
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const hasDockerRegistry = (): boolean => {
  try {
    execFileSync('docker-registry', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const tlsConfig = (tls: RegistryTlsOptions | undefined): string =>
  tls
    ? `  tls:\n    certificate: ${tls.cert}\n    key: ${tls.key}\n${tls.clientCa ? `    clientcas:\n      - ${tls.clientCa}\n` : ''}`
    : '';

/**
 * The same port on ::1, forwarded byte for byte to 127.0.0.1: for a daemon that must reach a loopback registry
 * by an address outside 127.0.0.0/8 (dockerd treats that range as insecure and skips TLS verification there).
 */
export async function forwardFromIpv6Loopback(port: number): Promise<{ close(): Promise<void> }> {
  const open = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      open.add(s);
      s.once('close', () => open.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  server.listen(port, '::1');
  await once(server, 'listening');
  return {
    close: async () => {
      const closed = once(server, 'close');
      server.close();
      for (const s of open) s.destroy();
      await closed;
    },
  };
}

/** A port the kernel just handed out and released. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

export interface RegistryTlsOptions {
  cert: string;
  key: string;
  /** Clients must present a certificate this CA signed. */
  clientCa?: string;
}

export async function startRegistry(
  options: {
    users?: Record<string, string>;
    tls?: RegistryTlsOptions;
    /** Serve another registry's storage (its `dir`/data) instead of an empty one of its own. */
    storage?: string;
  } = {},
): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const port = await freePort();
  let auth = '';
  if (options.users) {
    const file = join(dir, 'htpasswd');
    writeFileSync(file, '');
    for (const [user, password] of Object.entries(options.users))
      execFileSync('htpasswd', ['-Bb', file, user, password], { stdio: 'ignore' });
    auth = `auth:\n  htpasswd:\n    realm: basic-realm\n    path: ${file}\n`;
  }
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${options.storage ?? join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${tlsConfig(options.tls)}${auth}`,
  );
  const child = stopAtExit(spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.includes('listening on')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`docker-registry exited with ${code}:\n${output}`)));
  });
  return {
    host: `127.0.0.1:${port}`,
    port,
    dir,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const done = once(child, 'exit');
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
