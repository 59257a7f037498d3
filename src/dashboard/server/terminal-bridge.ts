// A browser terminal: a websocket bridged to a hijacked Engine API stream (the client's typed exec start, or
// attach with stdin). Binary frames from the browser are stdin; the engine's raw TTY output goes back as binary
// frames. Text frames are control: {"ready": true} once the engine's stream is open, or
// {"error": "..."} (then a close) when it could not be opened.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../../lib/logger.js';
import { ApiError, ConnectionError, EngineClient } from '../../client/engine-client.js';

export type TerminalTarget = { kind: 'exec'; id: string } | { kind: 'attach'; id: string };

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function parseTerminalPath(pathname: string): TerminalTarget | 'playground' | undefined {
  if (pathname === '/api/ws/playground') return 'playground';
  const match = /^\/api\/ws\/(exec|attach)\/([^/]+)$/.exec(pathname);
  if (!match || !ID.test(match[2] ?? '')) return undefined;
  return { kind: match[1] as 'exec' | 'attach', id: match[2] as string };
}

export interface BridgeOptions {
  /** Sent with {"ready": true} once the engine's stream is open (e.g. the ids of a playground). */
  readyInfo?: Record<string, string>;
  /** Called once when the browser's websocket closes. */
  onClose?: () => void;
}

export function bridgeTerminal(
  ws: WebSocket,
  engineSocket: string,
  target: TerminalTarget,
  logger: Logger,
  options: BridgeOptions = {},
): void {
  const client = new EngineClient(engineSocket);
  const abort = new AbortController();
  let stream: Duplex | undefined;
  let closed = false;
  const fail = (message: string): void => {
    if (ws.readyState === ws.OPEN) {
      ws.send(JSON.stringify({ error: message }));
      ws.close(1011, 'engine stream failed');
    }
  };
  const opened =
    target.kind === 'exec'
      ? client.hijack.execStart(target.id, { Tty: true }, { signal: abort.signal })
      : client.hijack.containerAttach(
          target.id,
          { stream: true, stdin: true, stdout: true, stderr: true },
          { signal: abort.signal },
        );
  opened.then(
    ({ socket }) => {
      client.close();
      if (closed) return void socket.destroy();
      stream = socket;
      ws.send(JSON.stringify({ ready: true, ...options.readyInfo }));
      socket.on('data', (chunk: Buffer) => ws.send(chunk));
      socket.on('end', () => ws.close(1000, 'stream ended'));
      socket.on('error', (err) => {
        logger.debug({ err }, 'terminal stream error');
        ws.close(1011, 'stream error');
      });
      socket.on('close', () => ws.close(1000, 'stream closed'));
    },
    (err: unknown) => {
      client.close();
      // Not upgraded: the engine answered with an error (or a plain 200 stream we did not ask for).
      if (err instanceof ApiError)
        fail(
          err.status === 404 && !err.message.includes('No such')
            ? `not available: this engine has no ${target.kind} stream yet`
            : err.message,
        );
      else if (!closed)
        fail(`engine unreachable: ${((err instanceof ConnectionError ? err.cause : err) as Error).message}`);
    },
  );

  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!stream || !isBinary) return;
    stream.write(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
  });
  ws.on('close', () => {
    closed = true;
    // Closing our write side ends stdin (a shell sees EOF); then let the stream go.
    if (stream) {
      stream.end();
      stream.destroy();
    } else abort.abort();
    options.onClose?.();
  });
}
