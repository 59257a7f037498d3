// The Engine API through the dashboard server (/api -> the daemon's socket). Versioned as the CLI does.
export const API = '/api/v1.47';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
  /** The engine has no such endpoint (yet): the page shows "not available" instead of an error. */
  get notAvailable(): boolean {
    return this.status === 501 || (this.status === 404 && /page not found|not found$/i.test(this.message) && !/no such/i.test(this.message));
  }
}

type Listener = () => void;
const unauthorisedListeners = new Set<Listener>();
export const onUnauthorised = (fn: Listener): (() => void) => {
  unauthorisedListeners.add(fn);
  return () => unauthorisedListeners.delete(fn);
};

export async function raw(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  const res = await fetch(`${API}${path}`, {
    credentials: 'same-origin',
    ...rest,
    headers: json !== undefined ? { 'Content-Type': 'application/json', ...(rest.headers ?? {}) } : rest.headers,
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { message?: string };
      if (body.message) message = body.message;
    } catch {
      /* not JSON */
    }
    if (res.status === 401) for (const fn of unauthorisedListeners) fn();
    throw new ApiError(res.status, message);
  }
  return res;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await raw(path, { signal });
  return (await res.json()) as T;
}

export async function post<T = unknown>(path: string, json?: unknown): Promise<T | undefined> {
  const res = await raw(path, { method: 'POST', json: json ?? undefined, headers: json === undefined ? {} : undefined });
  const text = await res.text();
  return text ? (JSON.parse(text) as T) : undefined;
}

export async function del(path: string): Promise<void> {
  await raw(path, { method: 'DELETE' });
}

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

export const errorText = (err: unknown): string => (err instanceof ApiError && err.notAvailable ? 'not available on this engine yet' : err instanceof Error ? err.message : String(err));
