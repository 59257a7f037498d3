// Direct Engine API requests over the daemon's unix socket: the server's time without a CLI's start-up.
import { request } from 'node:http';

export interface ApiResult {
  status: number;
  bytes: number;
  body: string;
  ms: number;
}

/** GETs `path`; keeps at most `keepBytes` of the body (all bytes are counted). */
export const apiGet = (
  socketPath: string,
  path: string,
  options: { keepBytes?: number; signal?: AbortSignal } = {},
): Promise<ApiResult> => apiRequest(socketPath, 'GET', path, options);

/** POSTs `json` to `path`. */
export const apiPost = (socketPath: string, path: string, json: unknown): Promise<ApiResult> =>
  apiRequest(socketPath, 'POST', path, { json });

function apiRequest(
  socketPath: string,
  method: string,
  path: string,
  options: { keepBytes?: number; signal?: AbortSignal; json?: unknown },
): Promise<ApiResult> {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const keep = options.keepBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        socketPath,
        path,
        method,
        headers: { Host: 'docker', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (kept < keep) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
