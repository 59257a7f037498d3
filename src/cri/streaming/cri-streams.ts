// The CRI's streaming server with what it serves: Exec and Attach as remote commands (remote-command.ts) through
// the engine's exec and attach use cases, PortForward (port-forward.ts) into the pod's network namespace; each
// over SPDY or over a WebSocket (remote-command-websocket.ts, port-forward-websocket.ts).
import type { Duplex } from 'node:stream';
import type { CriDeps } from '../cri-deps.js';
import { StreamingServer } from './streaming-server.js';
import { REMOTE_COMMAND_PROTOCOLS, serveRemoteCommand } from './remote-command.js';
import { runExecStream, type ExecStreamRequest } from './exec-stream.js';
import { runAttachStream, type AttachStreamRequest } from './attach-stream.js';
import { PORT_FORWARD_PROTOCOLS, servePortForward, type PortForwardTarget } from './port-forward.js';
import { REMOTE_COMMAND_WEBSOCKET_PROTOCOLS, serveRemoteCommandOverWebSocket } from './remote-command-websocket.js';
import {
  PORT_FORWARD_WEBSOCKET_PROTOCOLS,
  portsOfQuery,
  servePortForwardOverWebSocket,
} from './port-forward-websocket.js';

export type CriStreamRequest =
  | ({ kind: 'exec' } & ExecStreamRequest)
  | ({ kind: 'attach' } & AttachStreamRequest)
  | ({ kind: 'portforward' } & PortForwardTarget);

export type CriStreams = StreamingServer<CriStreamRequest>;

export function criStreams(deps: CriDeps): CriStreams {
  return new StreamingServer<CriStreamRequest>({
    address: deps.streamServer.address,
    port: deps.streamServer.port,
    protocols: {
      exec: REMOTE_COMMAND_PROTOCOLS,
      attach: REMOTE_COMMAND_PROTOCOLS,
      portforward: PORT_FORWARD_PROTOCOLS,
    },
    webSocketProtocols: {
      exec: REMOTE_COMMAND_WEBSOCKET_PROTOCOLS,
      attach: REMOTE_COMMAND_WEBSOCKET_PROTOCOLS,
      portforward: PORT_FORWARD_WEBSOCKET_PROTOCOLS,
    },
    logger: deps.logger,
    refuseWebSocket(request, query) {
      if (request.kind !== 'portforward') return undefined;
      const ports = portsOfQuery(query);
      return 'error' in ports ? ports.error : undefined;
    },
    serveWebSocket(request, ws, protocol, query) {
      switch (request.kind) {
        case 'exec':
          return serveRemoteCommandOverWebSocket(ws, protocol, request, (streams) =>
            runExecStream(deps.execs, request, streams),
          );
        case 'attach':
          return serveRemoteCommandOverWebSocket(ws, protocol, request, (streams) =>
            runAttachStream(deps.containers, request, streams),
          );
        case 'portforward': {
          const ports = portsOfQuery(query);
          if (!Array.isArray(ports)) throw new Error(ports.error); // refused before the upgrade already
          return servePortForwardOverWebSocket(ws, protocol, ports, request);
        }
      }
    },
    serve(request, socket: Duplex) {
      switch (request.kind) {
        case 'exec':
          return serveRemoteCommand(socket, request, (streams) => runExecStream(deps.execs, request, streams));
        case 'attach':
          return serveRemoteCommand(socket, request, (streams) => runAttachStream(deps.containers, request, streams));
        case 'portforward':
          return servePortForward(socket, request);
      }
    },
  });
}
