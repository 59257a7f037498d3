// /api/* -> the Engine API on the daemon's unix socket, streamed both ways (logs -f, events, stats).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '../../lib/logger.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'host',
  'cookie',
  'authorization',
  'origin',
  'referer',
]);

export function proxyToEngine(
  engineSocket: string,
  req: IncomingMessage,
  res: ServerResponse,
  enginePath: string,
  logger: Logger,
): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined && !HOP_BY_HOP.has(k) && !k.startsWith('sec-')) headers[k] = v;
  const upstream = http.request(
    { socketPath: engineSocket, method: req.method, path: enginePath, headers: { ...headers, host: 'berth' } },
    (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
      res.writeHead(answer.statusCode ?? 502, {
        ...out,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.flushHeaders();
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    logger.debug({ err, path: enginePath }, 'engine request failed');
    if (!res.headersSent) {
      res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `engine unreachable: ${err.message}` }));
    } else res.destroy();
  });
  // The browser went away (a closed log follow, a left page): stop the engine's stream too.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}
