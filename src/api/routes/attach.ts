// Attach routes: POST /containers/{id}/attach (hijacked; with stdin through the container's monitor, else its
// output followed from the log), GET /containers/{id}/attach/ws (the same over a websocket), and resize.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ContainersApi } from '../../engine/containers/types.js';
import type { StdioStream } from '../../core/runtime/runtime.js';
import { invalidArgument } from '../../core/errdefs.js';
import { queryBool, queryInt, queryString, type Query } from '../server/query.js';
import { detachHttpParser, hijack, watchHangUp, type HttpParserSocket } from '../server/hijack.js';
import { encodeEntry, streamType } from './containers.js';
import { requestSignal } from '../server/request-signal.js';
import { bridgeStdio } from './stdio-bridge.js';
import { detachKeysParam, NO_DETACH_KEYS } from './detach-keys.js';
import { DetachScanner } from '../../lib/detach-keys.js';

type IdParams = { Params: { id: string }; Querystring: Query };

interface AttachParams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  logs: boolean;
  stream: boolean;
  detachKeys: Buffer;
}

function attachParams(q: Query): AttachParams {
  return {
    stdin: queryBool(q, 'stdin'),
    stdout: queryBool(q, 'stdout'),
    stderr: queryBool(q, 'stderr'),
    logs: queryBool(q, 'logs'),
    stream: queryBool(q, 'stream'),
    detachKeys: detachKeysParam(queryString(q, 'detachKeys')),
  };
}

export function attachRoutes(app: FastifyInstance, containers: ContainersApi): void {
  app.post<IdParams>('/containers/:id/attach', async (req, reply) => {
    const p = attachParams(req.query);
    const signal = requestSignal(req, reply);
    const io = p.stdin && p.stream ? await containers.attachStdio(req.params.id, { signal }) : undefined;
    if (!io) {
      // No stdin to hand the client's bytes to: the socket is read (and they dropped) so its going is heard at once,
      // not at the container's next write or exit (the follower and the connection lived on until then).
      const hungUp = new AbortController();
      const following = AbortSignal.any([signal, hungUp.signal]);
      const { tty, entries } = await containers.attachOutput(req.params.id, { ...p, signal: following });
      const socket = hijack(req, reply, streamType(req, tty));
      const unwatch = watchHangUp(socket, () => hungUp.abort());
      try {
        for await (const entry of entries) {
          if (socket.destroyed) break;
          socket.write(encodeEntry(entry, tty, false));
        }
      } finally {
        unwatch();
        socket.end();
      }
      return;
    }
    const socket = hijack(req, reply, streamType(req, io.tty));
    if (p.logs) await replayLogs(containers, req, p, (data) => socket.write(data), io.tty);
    let stdio: StdioStream;
    try {
      stdio = await io.connect;
    } catch {
      socket.end();
      return;
    }
    const how = await bridgeStdio(socket, stdio, {
      multiplexed: !io.tty,
      stdin: true,
      stdout: p.stdout,
      stderr: p.stderr,
      // As Docker's: the keys are watched on a TTY only; without one they are input like any other.
      detachKeys: io.tty ? p.detachKeys : NO_DETACH_KEYS,
      endWithInput: io.tty,
    });
    if (how !== 'gone') socket.end();
  });

  app.post<IdParams>('/containers/:id/resize', async (req, reply) => {
    const height = queryInt(req.query, 'h') ?? 0;
    const width = queryInt(req.query, 'w') ?? 0;
    if (height < 0 || width < 0) throw invalidArgument('invalid resize parameters');
    await containers.resize(req.params.id, { height, width });
    return reply.code(200).send();
  });

  // ws is loaded with the first websocket attach: most daemons never serve one (about 1.3 MB of heap).
  let wss: Promise<WebSocketServer> | undefined;
  const websockets = (): Promise<WebSocketServer> =>
    (wss ??= import('ws').then(
      ({ WebSocketServer }) => new WebSocketServer({ noServer: true, perMessageDeflate: false }),
    ));
  app.get<IdParams>('/containers/:id/attach/ws', async (req, reply) => {
    const p = attachParams(req.query);
    if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
      throw invalidArgument('websocket upgrade expected');
    const server = await websockets();
    const signal = requestSignal(req, reply);
    const io = p.stdin && p.stream ? await containers.attachStdio(req.params.id, { signal }) : undefined;
    const output = io ? undefined : await containers.attachOutput(req.params.id, { ...p, signal });
    reply.hijack();
    const socket = req.raw.socket as HttpParserSocket;
    detachHttpParser(socket);
    const ws = await new Promise<WebSocket>((resolve) =>
      server.handleUpgrade(req.raw, socket, Buffer.alloc(0), resolve),
    );
    try {
      if (output) {
        ws.resume();
        for await (const entry of output.entries) {
          if (ws.readyState !== ws.OPEN) break;
          ws.send(entry.data);
        }
        return;
      }
      if (!io) return;
      if (p.logs) await replayLogs(containers, req, p, (data) => ws.send(data), true);
      const stdio = await io.connect;
      await websocketBridge(ws, stdio, io.tty ? p : { ...p, detachKeys: NO_DETACH_KEYS });
    } catch {
      /* the container went or never started: close the socket */
    } finally {
      ws.close();
    }
  });
}

/** What the container wrote before, for `logs=1`. */
async function replayLogs(
  containers: ContainersApi,
  req: FastifyRequest<IdParams>,
  p: AttachParams,
  write: (data: Buffer) => void,
  raw: boolean,
): Promise<void> {
  const { tty, entries } = await containers.attachOutput(req.params.id, {
    stdout: p.stdout,
    stderr: p.stderr,
    logs: true,
    stream: false,
    replayOfStdioAttach: true,
  });
  for await (const entry of entries) write(raw ? entry.data : encodeEntry(entry, tty, false));
}

/** Websocket messages to stdin (detach keys watched), output to binary messages, until either side ends. */
async function websocketBridge(ws: WebSocket, stdio: StdioStream, p: AttachParams): Promise<void> {
  const scanner = new DetachScanner(p.detachKeys);
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    const chunk = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    const { pass, detach } = scanner.feed(chunk);
    if (pass.length) stdio.write(pass);
    if (detach) stdio.close();
  });
  ws.once('close', () => stdio.close());
  ws.on('error', () => stdio.close());
  // The socket was held since the upgrade, so input sent before now waited for this listener.
  ws.resume();
  for await (const chunk of stdio.output) {
    if (ws.readyState !== ws.OPEN) break;
    if (chunk.stream === 'stdout' ? !p.stdout : !p.stderr) continue;
    ws.send(chunk.data);
  }
}
