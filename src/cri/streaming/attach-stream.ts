// Attach through the streaming server: the same use case as `docker attach` (ContainerService: stdin and output
// through the container's monitor, or its output alone when it keeps no stdin), the TTY resized as the client's.
// The client's end of input ends a StdinOnce container's input (the engine decides); for any other container it
// ends the attach, as containerd's does: the container goes on.
import type { ContainerService } from '../../engine/containers/container-service.js';
import type { CommandOutcome, RemoteCommandStreams } from './remote-command.js';
import { copyOutput } from './exec-stream.js';

export interface AttachStreamRequest {
  containerId: string;
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** The container's StdinOnce. */
  stdinOnce: boolean;
}

export async function runAttachStream(
  containers: ContainerService,
  request: AttachStreamRequest,
  streams: RemoteCommandStreams,
): Promise<CommandOutcome> {
  const { signal } = streams;
  streams.onResize((size) => void containers.resize(request.containerId, size).catch(() => undefined));
  const io = request.stdin ? await containers.attachStdio(request.containerId, { signal }) : undefined;
  if (!io) {
    const { entries } = await containers.attachOutput(request.containerId, {
      stdout: request.stdout,
      stderr: request.stderr,
      logs: false,
      stream: true,
      signal,
    });
    for await (const entry of entries) {
      const to = entry.stream === 'stdout' ? streams.stdout : streams.stderr;
      if (to && !to.writableEnded) to.write(entry.data);
    }
    return { exitCode: 0 };
  }
  const stdio = await io.connect;
  const onGone = (): void => stdio.close();
  signal.addEventListener('abort', onGone, { once: true });
  try {
    streams.stdin?.on('data', (chunk: Buffer) => stdio.write(chunk));
    streams.stdin?.once('end', () => {
      stdio.endInput();
      if (!request.stdinOnce) stdio.close();
    });
    await copyOutput(stdio, streams);
    return { exitCode: 0 };
  } finally {
    signal.removeEventListener('abort', onGone);
    stdio.close();
  }
}
