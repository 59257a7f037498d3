// Between a hijacked client connection and a process's stdio: client input (watched for the detach keys) goes to the
// process, a client half-close ends the process's input, output goes back raw (TTY) or in stdcopy frames.
import type { Duplex } from 'node:stream';
import { DetachScanner } from '../../lib/detach-keys.js';
import type { StdioStream } from '../../core/runtime/runtime.js';
import { frame, STDERR, STDOUT } from '../compat/stdcopy.js';

const HEARTBEAT_MS = 1000;

export interface BridgeOptions {
  /** Frame output with stdcopy headers (no TTY, API >= 1.42 or always for exec). */
  multiplexed: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  detachKeys: Buffer;
  /** With a TTY the end of the client's input ends the session (the process keeps its stdin), as Docker does. */
  endWithInput?: boolean;
}

/** How the bridge ended: the process's output ended, the client detached, or the client went away. */
export type BridgeEnd = 'ended' | 'detached' | 'gone';

export async function bridgeStdio(socket: Duplex, stdio: StdioStream, o: BridgeOptions): Promise<BridgeEnd> {
  let end: BridgeEnd | undefined;
  const finish = (why: BridgeEnd): void => {
    end ??= why;
    stdio.close();
  };
  const onClose = (): void => finish('gone');
  socket.once('close', onClose);
  socket.on('error', () => finish('gone'));
  const scanner = new DetachScanner(o.detachKeys);
  const onData = (chunk: Buffer): void => {
    if (!o.stdin || end) return;
    const { pass, detach } = scanner.feed(chunk);
    if (pass.length) stdio.write(pass);
    if (detach) finish('detached');
  };
  // A client that half-closed (no stdin) and one that vanished look alike until a write fails: while the
  // process is quiet, an empty stdcopy frame each second finds out, so a vanished client's exec does not live on.
  let heartbeat: NodeJS.Timeout | undefined;
  const onEnd = (): void => {
    if (o.multiplexed && !heartbeat) {
      heartbeat = setInterval(() => {
        if (!end && !socket.destroyed) socket.write(frame(STDOUT, Buffer.alloc(0)));
      }, HEARTBEAT_MS);
      heartbeat.unref();
    }
    if (!o.stdin || end) return;
    if (o.endWithInput) finish('detached');
    else stdio.endInput();
  };
  socket.on('data', onData);
  socket.once('end', onEnd);
  // The client may have half-closed before the bridge began (while the exec started): its 'end' went unheard.
  if (socket.readableEnded) onEnd();
  socket.resume();
  try {
    for await (const chunk of stdio.output) {
      if (end) break;
      if (chunk.stream === 'stdout' ? !o.stdout : !o.stderr) continue;
      const bytes = o.multiplexed ? frame(chunk.stream === 'stderr' ? STDERR : STDOUT, chunk.data) : chunk.data;
      if (socket.destroyed) break;
      if (!socket.write(bytes)) await waitDrain(socket);
    }
  } finally {
    clearInterval(heartbeat);
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('close', onClose);
  }
  return end ?? (socket.destroyed ? 'gone' : 'ended');
}

function waitDrain(socket: Duplex): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}
