// The Engine API through the dashboard server (/api -> the daemon's socket), versioned as the CLI does: the typed
// client of src/client/engine-api.ts over fetch. Streams come back as the fetch Response, body unread.
import {
  ApiError as EngineError,
  EngineApi,
  encodeQuery,
  type ApiRequest,
  type Transport,
} from '../../src/client/engine-api.js';

export const API = '/api/v1.47';

export class ApiError extends EngineError {
  /** The engine has no such endpoint (yet): the page shows "not available" instead of an error. */
  get notAvailable(): boolean {
    return (
      this.status === 501 ||
      (this.status === 404 && /page not found|not found$/i.test(this.message) && !/no such/i.test(this.message))
    );
  }
}

type Listener = () => void;
const unauthorisedListeners = new Set<Listener>();
export const onUnauthorised = (fn: Listener): (() => void) => {
  unauthorisedListeners.add(fn);
  return () => unauthorisedListeners.delete(fn);
};

class FetchTransport implements Transport<Response, BodyInit> {
  /** `reportUnauthorised`: a 401 tells the app to show the login page. */
  constructor(private readonly reportUnauthorised: boolean) {}

  async request(req: ApiRequest<BodyInit>): Promise<Response> {
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    else if (req.upload !== undefined) headers['Content-Type'] = req.contentType ?? 'application/x-tar';
    const res = await fetch(`${API}${req.path}${encodeQuery(req.query)}`, {
      method: req.method,
      credentials: 'same-origin',
      headers,
      body: req.body !== undefined ? JSON.stringify(req.body) : req.upload,
      signal: req.signal ?? null,
    });
    if (!res.ok) {
      let message = `${res.status} ${res.statusText}`;
      try {
        const body = (await res.json()) as { message?: string };
        if (body.message) message = body.message;
      } catch {
        /* not JSON */
      }
      if (res.status === 401 && this.reportUnauthorised) for (const fn of unauthorisedListeners) fn();
      throw new ApiError(res.status, message);
    }
    return res;
  }

  async json(req: ApiRequest<BodyInit>): Promise<unknown> {
    const text = await this.text(req);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  async text(req: ApiRequest<BodyInit>): Promise<string> {
    return (await this.request(req)).text();
  }

  async discard(req: ApiRequest<BodyInit>): Promise<void> {
    await (await this.request(req)).text();
  }
}

/** The engine, as the pages use it. */
export const engine = new EngineApi(new FetchTransport(true));
/** The same, for the background events stream, which retries on its own and never sends the user to the login page. */
export const backgroundEngine = new EngineApi(new FetchTransport(false));

/** Reads a streamed body as JSON lines (events, stats, pull progress) until it ends or the signal aborts. */
export async function jsonLines<T>(res: Response, onItem: (item: T) => void): Promise<void> {
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onItem(JSON.parse(line) as T);
    }
  }
  if (buffer.trim()) onItem(JSON.parse(buffer) as T);
}

/** A compose project's `up` or `down`, run by the dashboard server with berth compose's own code; its progress lines. */
export async function composeAction(project: string, action: 'up' | 'down'): Promise<string[]> {
  const res = await fetch(`/api/compose/projects/${encodeURIComponent(project)}/${action}`, {
    method: 'POST',
    credentials: 'same-origin',
  });
  const body = (await res.json().catch(() => ({}))) as { message?: string; lines?: string[] };
  if (!res.ok) throw new ApiError(res.status, body.message ?? `${res.status} ${res.statusText}`);
  return body.lines ?? [];
}

export const errorText = (err: unknown): string =>
  err instanceof ApiError && err.notAvailable
    ? 'not available on this engine yet'
    : err instanceof Error
      ? err.message
      : String(err);
