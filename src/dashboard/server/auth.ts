// Who may use the dashboard: a request carrying the token (cookie set by /login, or a Bearer header),
// from the dashboard's own origin. No CORS: cross-site requests are refused, whatever they carry.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const cookieName = (port: number): string => `berth_dashboard_${port}`;

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function tokenMatches(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function requestToken(req: IncomingMessage, port: number): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  return readCookie(req, cookieName(port));
}

export function loginCookie(port: number, token: string): string {
  return `${cookieName(port)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

/**
 * A same-origin check: the browser's Origin (when sent) must be this server as addressed by Host, and
 * Fetch Metadata must not say cross-site. Host must be one the server answers to (DNS rebinding).
 */
export function crossSiteReason(
  req: IncomingMessage,
  allowedHostnames: ReadonlySet<string> | undefined,
): string | undefined {
  const host = req.headers.host;
  if (!host) return 'missing Host';
  if (allowedHostnames && !allowedHostnames.has(hostnameOf(host))) return `unexpected Host ${host}`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site ${String(site)}`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return `Origin ${origin}`;
  return undefined;
}

function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}
