// The dashboard's HTTP server: the built SPA, /login, /api/* proxied to the Engine API, and terminal
// websockets. It talks to the daemon only over the Engine API socket, as any client would.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { Logger } from '../../lib/logger.js';
import { crossSiteReason, loginCookie, requestToken, tokenMatches } from './auth.js';
import { serveAsset, securityHeaders } from './static-assets.js';
import { proxyToEngine } from './engine-proxy.js';
import { bridgeTerminal, parseTerminalPath } from './terminal-bridge.js';
import { runPlayground } from './playground.js';
import { handleCompose, isComposePath } from './compose-projects.js';

export interface DashboardOptions {
  host: string;
  port: number;
  token: string;
  engineSocket: string;
  logger: Logger;
  /** The built SPA; dist/dashboard by default. */
  assetsDir?: string;
}

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

// dist/src/dashboard/server/ -> dist/dashboard/
const DEFAULT_ASSETS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../dashboard');

/** berth's version (com.docker.compose.version on what the dashboard's compose actions create), as the CLI's. */
function packageVersion(): string {
  try {
    const url = new URL('../../../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version?: string }).version ?? 'dev';
  } catch {
    return 'dev';
  }
}

function deny(res: ServerResponse, status: number, message: string): void {
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ message }));
}

export async function startDashboard(options: DashboardOptions): Promise<DashboardServer> {
  const { token, engineSocket, logger } = options;
  const assets = options.assetsDir ?? DEFAULT_ASSETS;
  const version = packageVersion();
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  let port = options.port;
  // Loopback binds answer only to loopback names (DNS rebinding); other binds were given a token.
  const loopbackNames = new Set(['localhost', '127.0.0.1', '::1', options.host]);
  const allowedHosts = ['0.0.0.0', '::'].includes(options.host) ? undefined : loopbackNames;

  const authorised = (req: IncomingMessage): string | undefined => {
    const reason = crossSiteReason(req, allowedHosts);
    if (reason) return `cross-site request refused (${reason})`;
    if (!tokenMatches(requestToken(req, port), token))
      return 'login required: open the login URL printed in the daemon log';
    return undefined;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (url.pathname === '/login') {
      const reason = crossSiteReason(req, allowedHosts);
      if (reason) return deny(res, 403, `cross-site request refused (${reason})`);
      if (!tokenMatches(url.searchParams.get('token') ?? undefined, token)) return deny(res, 401, 'wrong token');
      securityHeaders(res);
      res.writeHead(303, { 'Set-Cookie': loginCookie(port, token), Location: '/' });
      return res.end();
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      const refusal = authorised(req);
      if (refusal) return deny(res, refusal.startsWith('cross-site') ? 403 : 401, refusal);
      const path = url.pathname.slice('/api'.length);
      // Compose actions run berth compose's own code (src/compose) here, through the Engine API.
      if (isComposePath(path)) return void handleCompose(engineSocket, version, req, res, path, logger);
      return proxyToEngine(engineSocket, req, res, `${url.pathname.slice('/api'.length) || '/'}${url.search}`, logger);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'method not allowed');
    serveAsset(assets, req, res, url.pathname);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const target = parseTerminalPath(url.pathname);
    const refusal = authorised(req);
    if (!target || refusal) {
      socket.end(
        `HTTP/1.1 ${target ? '403 Forbidden' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (target === 'playground') void runPlayground(ws, engineSocket, logger);
      else bridgeTerminal(ws, engineSocket, target, logger);
    });
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  server.on('error', (err) => logger.error({ err }, 'dashboard server error'));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  const hostPart = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${hostPart}:${port}/`,
    async close() {
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
