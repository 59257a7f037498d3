// The remote command protocol over WebSocket (websocket-channels.ts), as kubelet's and containerd's streaming
// servers serve Exec and Attach to a WebSocket client: channels 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize
// (the same JSON sizes as SPDY's resize stream). Once open, an empty message on the lowest channel the client reads
// (stdout, else stderr, else error) says the command is starting. The outcome goes on the error channel: with the
// v4 sub-protocols a JSON metav1.Status as over SPDY, with the older ones only a failure, as its message. Then the
// WebSocket is closed.
import type { WebSocket } from 'ws';
import {
  onSizes,
  statusOf,
  type CommandOutcome,
  type RemoteCommandOptions,
  type RemoteCommandStreams,
} from './remote-command.js';
import { isBase64Protocol, WebSocketChannels } from './websocket-channels.js';

export const REMOTE_COMMAND_WEBSOCKET_PROTOCOLS = [
  '',
  'channel.k8s.io',
  'base64.channel.k8s.io',
  'v4.channel.k8s.io',
  'v4.base64.channel.k8s.io',
] as const;

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;

export async function serveRemoteCommandOverWebSocket(
  ws: WebSocket,
  protocol: string,
  options: RemoteCommandOptions,
  run: (streams: RemoteCommandStreams) => Promise<CommandOutcome>,
): Promise<void> {
  const channels = new WebSocketChannels(ws, isBase64Protocol(protocol));
  const gone = new AbortController();
  void channels.closed.then(() => gone.abort());
  channels.send(options.stdout ? STDOUT : options.stderr ? STDERR : ERROR, Buffer.alloc(0));

  const outputs = [...(options.stdout ? [STDOUT] : []), ...(options.stderr ? [STDERR] : [])].map((n) =>
    channels.channel(n),
  );
  const outcome = await run({
    stdin: options.stdin ? channels.channel(STDIN) : undefined,
    stdout: options.stdout ? channels.channel(STDOUT) : undefined,
    stderr: options.stderr ? channels.channel(STDERR) : undefined,
    onResize: (listener) => {
      if (options.tty) onSizes(channels.channel(RESIZE), listener);
    },
    signal: gone.signal,
  }).catch((err: unknown): CommandOutcome => ({ error: err instanceof Error ? err.message : String(err) }));

  // The output written so far goes out before the status.
  await Promise.all(outputs.map((out) => new Promise<void>((resolve) => out.end(resolve))));
  if (!gone.signal.aborted) {
    const status = statusOf(outcome);
    if (protocol.startsWith('v4.')) channels.send(ERROR, Buffer.from(JSON.stringify(status)));
    else if (status.status !== 'Success') channels.send(ERROR, Buffer.from(String(status.message)));
    channels.close();
  }
  await channels.closed;
}
