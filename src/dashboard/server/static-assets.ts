// The built single-page app (dist/dashboard): files by extension, index.html for every other path.
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
};

export function securityHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

function fileIn(root: string, urlPath: string): string | undefined {
  try {
    // normalize() of an absolute path drops leading "..", and the prefix check catches the rest.
    const path = resolve(join(root, normalize(decodeURIComponent(urlPath))));
    if (path !== root && !path.startsWith(root + sep)) return undefined;
    return statSync(path).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

export function serveAsset(root: string, req: IncomingMessage, res: ServerResponse, urlPath: string): void {
  securityHeaders(res);
  const asset = fileIn(root, urlPath) ?? fileIn(root, '/index.html');
  if (asset === undefined) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('dashboard assets are not built: run `npm run build`\n');
    return;
  }
  const hashed = urlPath.startsWith('/assets/');
  res.writeHead(200, {
    'Content-Type': TYPES[extname(asset)] ?? 'application/octet-stream',
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(asset).pipe(res);
}
