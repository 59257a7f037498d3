// A browser terminal: a websocket bridged to a hijacked Engine API stream (exec start, or attach with
// stdin). Binary frames from the browser are stdin; the engine's raw TTY output goes back as binary
// frames. Text frames are control: {"ready": true} once the engine's stream is open, or
// {"error": "..."} (then a close) when it could not be opened.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../../lib/logger.js';

export type TerminalTarget = { kind: 'exec'; id: string } | { kind: 'attach'; id: string };

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function parseTerminalPath(pathname: string): TerminalTarget | 'playground' | undefined {
  if (pathname === '/api/ws/playground') return 'playground';
  const match = /^\/api\/ws\/(exec|attach)\/([^/]+)$/.exec(pathname);
  if (!match || !ID.test(match[2] ?? '')) return undefined;
  return { kind: match[1] as 'exec' | 'attach', id: match[2] as string };
}

function engineRequest(engineSocket: string, target: TerminalTarget): http.ClientRequest {
  const id = encodeURIComponent(target.id);
  const path = target.kind === 'exec' ? `/exec/${id}/start` : `/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1`;
  return http.request({
    socketPath: engineSocket,
    method: 'POST',
    path,
    headers: { host: 'berth', Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Type': 'application/json' },
  });
}

export interface BridgeOptions {
  /** Sent with {"ready": true} once the engine's stream is open (e.g. the ids of a playground). */
  readyInfo?: Record<string, string>;
  /** Called once when the browser's websocket closes. */
  onClose?: () => void;
}

export function bridgeTerminal(ws: WebSocket, engineSocket: string, target: TerminalTarget, logger: Logger, options: BridgeOptions = {}): void {
  const req = engineRequest(engineSocket, target);
  let stream: Duplex | undefined;
  const fail = (message: string): void => {
    if (ws.readyState === ws.OPEN) {
      ws.send(JSON.stringify({ error: message }));
      ws.close(1011, 'engine stream failed');
    }
  };
  req.on('upgrade', (_res, socket, head) => {
    stream = socket;
    ws.send(JSON.stringify({ ready: true, ...options.readyInfo }));
    if (head.length > 0) ws.send(head);
    socket.on('data', (chunk: Buffer) => ws.send(chunk));
    socket.on('end', () => ws.close(1000, 'stream ended'));
    socket.on('error', (err) => {
      logger.debug({ err }, 'terminal stream error');
      ws.close(1011, 'stream error');
    });
    socket.on('close', () => ws.close(1000, 'stream closed'));
  });
  req.on('response', (res) => {
    // Not upgraded: the engine answered with an error (or a plain 200 stream we did not ask for).
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => {
      let message = `engine answered ${res.statusCode ?? '?'}`;
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? message;
      } catch {
        /* not JSON */
      }
      fail(res.statusCode === 404 && !body.includes('No such') ? `not available: this engine has no ${target.kind} stream yet` : message);
    });
  });
  req.on('error', (err) => fail(`engine unreachable: ${err.message}`));
  req.end(target.kind === 'exec' ? JSON.stringify({ Detach: false, Tty: true }) : undefined);

  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!stream || !isBinary) return;
    stream.write(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
  });
  ws.on('close', () => {
    // Closing our write side ends stdin (a shell sees EOF); then let the stream go.
    if (stream) {
      stream.end();
      stream.destroy();
    } else req.destroy();
    options.onClose?.();
  });
}
