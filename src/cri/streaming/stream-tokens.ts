// Single-use tokens for the streaming server's URLs, as kubelet's streaming server hands them out: Exec, Attach and
// PortForward keep their request under a random token, and the first connection to its URL takes it; unused, a
// token expires after a minute. The token is the only key to a session, so it is long and never reused.
import { randomBytes } from 'node:crypto';
import { Code, ConnectError } from '@connectrpc/connect';

export const TOKEN_TTL_MS = 60_000;
const MAX_IN_FLIGHT = 1000;

export class StreamTokens<T> {
  private readonly pending = new Map<string, { request: T; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Keeps the request; its token (URL-safe base64). */
  issue(request: T): string {
    this.dropExpired();
    if (this.pending.size >= MAX_IN_FLIGHT)
      throw new ConnectError(
        `maximum number of in-flight streaming requests (${MAX_IN_FLIGHT}) exceeded`,
        Code.ResourceExhausted,
      );
    const token = randomBytes(18).toString('base64url');
    this.pending.set(token, { request, expires: this.now() + TOKEN_TTL_MS });
    return token;
  }

  /** The request kept under `token`, once: a second use, or a use after expiry, finds nothing. */
  take(token: string): T | undefined {
    const entry = this.pending.get(token);
    this.pending.delete(token);
    if (!entry || entry.expires <= this.now()) return undefined;
    return entry.request;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [token, entry] of this.pending) if (entry.expires <= now) this.pending.delete(token);
  }
}
