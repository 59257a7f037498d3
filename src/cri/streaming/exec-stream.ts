// Exec through the streaming server: the same use case as `docker exec` (ExecService: an exec instance created,
// started under its own monitor, its TTY resized), its stdio bridged to the remote command's streams. The client
// gone, the process is killed, as docker exec's is.
import type { ExecService } from '../../engine/exec/exec-service.js';
import type { StdioStream } from '../../core/runtime/runtime.js';
import type { CommandOutcome, RemoteCommandStreams } from './remote-command.js';

export interface ExecStreamRequest {
  containerId: string;
  cmd: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export async function runExecStream(
  execs: ExecService,
  request: ExecStreamRequest,
  streams: RemoteCommandStreams,
): Promise<CommandOutcome> {
  const { id } = execs.create(request.containerId, {
    Cmd: request.cmd,
    Tty: request.tty,
    AttachStdin: request.stdin,
    AttachStdout: request.stdout,
    AttachStderr: request.stderr,
  });
  // Sizes sent before the process has its TTY are held by the exec and applied at start.
  streams.onResize((size) => void execs.resize(id, size).catch(() => undefined));
  const session = await execs.start(id, { signal: streams.signal });
  const onGone = (): void => session.kill();
  streams.signal.addEventListener('abort', onGone, { once: true });
  try {
    if (streams.stdin) pipeInput(streams.stdin, session.stdio);
    await copyOutput(session.stdio, streams);
    return { exitCode: await session.exited, command: request.cmd };
  } finally {
    streams.signal.removeEventListener('abort', onGone);
    session.stdio.close();
  }
}

/** The client's input to the process; its end is the process's end of input. */
export function pipeInput(stdin: NodeJS.ReadableStream, stdio: StdioStream): void {
  stdin.on('data', (chunk: Buffer) => stdio.write(chunk));
  stdin.once('end', () => stdio.endInput());
}

/** The process's output to the streams asked for, until it ends. */
export async function copyOutput(
  stdio: StdioStream,
  streams: Pick<RemoteCommandStreams, 'stdout' | 'stderr'>,
): Promise<void> {
  for await (const chunk of stdio.output) {
    const to = chunk.stream === 'stdout' ? streams.stdout : streams.stderr;
    if (to && !to.writableEnded) to.write(chunk.data);
  }
}
