// Kubernetes' remote command protocol v4 (`v4.channel.k8s.io`), the server side of Exec and Attach: over one SPDY
// connection the client opens a stream per channel, named by its `streamType` header (error, stdin, stdout,
// stderr, and resize on a TTY); the command runs once all the streams asked for are there; the outcome goes back
// on the error stream as a JSON metav1.Status (Success, NonZeroExitCode with the exit code as its cause, or an
// internal error), after which every stream is ended and the connection closed.
import type { Duplex, Readable, Writable } from 'node:stream';
import type { ConsoleSize } from '../../core/runtime/runtime.js';
import { acceptStream, spdyServerConnection, type SpdyStream } from '../../lib/spdy-server.js';

export const REMOTE_COMMAND_PROTOCOLS = ['v4.channel.k8s.io'] as const;
/** How long the client has to open its streams, as kubelet's default. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

export interface RemoteCommandOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface RemoteCommandStreams {
  stdin: Readable | undefined;
  stdout: Writable | undefined;
  stderr: Writable | undefined;
  /** The client's terminal sizes, the first as soon as it sends it (TTY only). */
  onResize(listener: (size: ConsoleSize) => void): void;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/** What the command came to: its exit code, or why it could not run. */
export type CommandOutcome = { exitCode: number; command?: string[] } | { error: string };

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

export async function serveRemoteCommand(
  socket: Duplex,
  options: RemoteCommandOptions,
  run: (streams: RemoteCommandStreams) => Promise<CommandOutcome>,
): Promise<void> {
  const wanted: StreamType[] = [
    'error',
    ...(options.stdin ? (['stdin'] as const) : []),
    ...(options.stdout ? (['stdout'] as const) : []),
    ...(options.stderr ? (['stderr'] as const) : []),
    ...(options.tty ? (['resize'] as const) : []),
  ];
  const streams = new Map<StreamType, SpdyStream>();
  let allThere: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (allThere = resolve));
  const connection = await spdyServerConnection(socket, (stream) => {
    acceptStream(stream);
    const type = stream.headers.streamtype as StreamType;
    if (!wanted.includes(type) || streams.has(type)) return;
    streams.set(type, stream);
    if (wanted.every((t) => streams.has(t))) allThere();
  });
  const gone = new AbortController();
  void connection.closed.then(() => gone.abort());

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>(
    (resolve) => (timer = setTimeout(() => resolve(true), STREAM_CREATION_TIMEOUT_MS)),
  );
  const ready = await Promise.race([arrived.then(() => false), timedOut, connection.closed.then(() => true)]);
  clearTimeout(timer);
  if (ready) {
    await connection.close(0);
    return;
  }

  const resize = streams.get('resize');
  const outcome = await run({
    stdin: streams.get('stdin'),
    stdout: streams.get('stdout'),
    stderr: streams.get('stderr'),
    onResize: (listener) => {
      if (resize) onSizes(resize, listener);
    },
    signal: gone.signal,
  }).catch((err: unknown): CommandOutcome => ({ error: err instanceof Error ? err.message : String(err) }));

  if (!gone.signal.aborted) {
    for (const type of ['stdout', 'stderr', 'stdin', 'resize'] as const) streams.get(type)?.end();
    streams.get('error')?.end(JSON.stringify(statusOf(outcome)));
  }
  await connection.close();
}

/** The resize stream's JSON objects, one a line: {"Width":80,"Height":24}. */
export function onSizes(stream: Duplex, listener: (size: ConsoleSize) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    pending += text;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (!line) continue;
      try {
        const size = JSON.parse(line) as { Width?: number; Height?: number };
        if (size.Width && size.Height) listener({ width: size.Width, height: size.Height });
      } catch {
        /* not a size: ignored, as kubelet does */
      }
    }
  });
}

/** metav1.Status as kubelet writes it on the error stream. */
export function statusOf(outcome: CommandOutcome): Record<string, unknown> {
  if ('error' in outcome) {
    const message = `error executing command in container: ${outcome.error}`;
    return {
      metadata: {},
      status: 'Failure',
      message: `Internal error occurred: ${message}`,
      reason: 'InternalError',
      details: { causes: [{ message }] },
      code: 500,
    };
  }
  if (outcome.exitCode === 0) return { metadata: {}, status: 'Success' };
  // containerd's words (its exec's error, wrapped by kubelet's streaming code).
  const what = outcome.command ? `error executing command [${outcome.command.join(' ')}]` : 'error executing command';
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: ${what}, exit code ${outcome.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(outcome.exitCode) }] },
  };
}
