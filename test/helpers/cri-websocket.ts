// The CRI streaming server's WebSocket side, as a WebSocket client of Kubernetes' channel protocols sees it (the
// apiserver's wsstream: a browser console through the apiserver and kubelet reaches the runtime's streaming server
// this way): Exec and PortForward asked for over gRPC, their URLs opened as WebSockets, every message recorded as
// the client gets it. Run the same way against any CRI socket, so that berthd's answers can be compared with
// containerd's.
import { connect } from 'node:net';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { create } from '@bufbuild/protobuf';
import WebSocket from 'ws';
import {
  ExecRequestSchema,
  PortForwardRequestSchema,
  RuntimeService,
} from '../../src/gen/cri/k8s.io/cri-api/pkg/apis/runtime/v1/api_pb.js';

/** A message as the client got it: its channel and its data (decoded from base64 where the protocol says so). */
export interface ChannelMessage {
  channel: number;
  data: string;
}

/** A session's messages: the first one, then what each channel carried, all of it. */
export interface SessionSummary {
  protocol: string;
  first: ChannelMessage | undefined;
  channels: Record<number, string>;
}

export interface WebSocketAnswers {
  /** `sh -c 'echo out; echo err >&2; exit 3'`, stdout and stderr, `v4.channel.k8s.io`. */
  execV4: SessionSummary;
  /** `head -n 1` with stdin, base64 protocol, one line sent. */
  execBase64: SessionSummary;
  /** A sub-protocol the server does not speak. */
  refusedStatus: number;
  /** An HTTP request through a forwarded port: the port announcements and the page. */
  portForward: { announcements: ChannelMessage[]; page: boolean };
}

function runtimeClient(socket: string) {
  const transport = createGrpcTransport({
    baseUrl: 'http://localhost',
    nodeOptions: { createConnection: () => connect(socket) },
  });
  return createClient(RuntimeService, transport);
}

/** `container` runs in `podId`, whose loopback serves `forwarded` on port 8080 (see cri-streaming.ts). */
export async function webSocketScenario(socket: string, podId: string, container: string): Promise<WebSocketAnswers> {
  const client = runtimeClient(socket);
  const execUrl = async (cmd: string[], stdin: boolean): Promise<string> =>
    (await client.exec(create(ExecRequestSchema, { containerId: container, cmd, stdin, stdout: true, stderr: !stdin })))
      .url;

  const execV4 = summary(
    await session(await execUrl(['sh', '-c', 'echo out; echo err >&2; exit 3'], false), ['v4.channel.k8s.io']),
  );
  // Go's JSON encoder writes <, > and & as \u003c, \u003e and \u0026: the same status, compared as JSON.
  if (execV4.channels[3]) execV4.channels[3] = JSON.stringify(JSON.parse(execV4.channels[3]));
  const execBase64 = summary(
    await session(await execUrl(['head', '-n', '1'], true), ['base64.channel.k8s.io'], (ws) =>
      ws.send(`0${Buffer.from('a line\n').toString('base64')}`),
    ),
  );
  const refusedStatus = await refusal(await execUrl(['true'], false), ['no.such.k8s.io']);

  const { url } = await client.portForward(create(PortForwardRequestSchema, { podSandboxId: podId, port: [8080] }));
  const forwarded = await session(`${url}?port=8080`, ['v4.channel.k8s.io'], (ws) =>
    ws.send(Buffer.concat([Buffer.of(0), Buffer.from('GET / HTTP/1.0\r\n\r\n')])),
  );
  const announcements = forwarded.messages.filter((m) => m.data === '\u0090\u001f');
  const page = forwarded.messages
    .filter((m) => m.channel === 0)
    .map((m) => m.data)
    .join('');
  return {
    execV4,
    execBase64,
    refusedStatus,
    portForward: { announcements, page: /\r\n\r\nforwarded\n$/.test(page) },
  };
}

function summary({ protocol, messages }: { protocol: string; messages: ChannelMessage[] }): SessionSummary {
  const channels: Record<number, string> = {};
  for (const { channel, data } of messages) channels[channel] = (channels[channel] ?? '') + data;
  return { protocol, first: messages[0], channels };
}

/** Opens `url` offering `protocols`, runs `talk` once open, and records every message until the server closes. */
function session(
  url: string,
  protocols: string[],
  talk: (ws: WebSocket) => void = () => undefined,
): Promise<{ protocol: string; messages: ChannelMessage[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), protocols);
    const messages: ChannelMessage[] = [];
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no close from ${url} in 30 s; got ${JSON.stringify(messages)}`));
    }, 30_000);
    ws.on('open', () => talk(ws));
    ws.on('message', (message: Buffer) => {
      const base64 = ws.protocol.includes('base64.');
      const channel = base64 ? message[0]! - 48 : message[0]!;
      const rest = message.subarray(1);
      messages.push({ channel, data: (base64 ? Buffer.from(rest.toString(), 'base64') : rest).toString('latin1') });
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('close', () => {
      clearTimeout(timer);
      resolve({ protocol: ws.protocol, messages });
    });
  });
}

/** The HTTP status of a WebSocket request that is refused. */
function refusal(url: string, protocols: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), protocols);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error(`${url} accepted ${protocols.join(', ')}`));
    });
    ws.on('error', () => undefined);
  });
}
