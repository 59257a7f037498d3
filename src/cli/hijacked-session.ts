// The client side of an attach or exec stream, as docker's: the local stdin goes to the daemon (raw mode when the
// session has a TTY and stdin is a terminal), the end of a piped stdin half-closes the connection, output comes
// back raw (TTY) or demultiplexed, the window size follows the terminal. Detach keys are watched here too (as the
// docker CLI does), so the caller knows a detach from an end.
import type { Socket } from 'node:net';
import { DetachScanner, parseDetachKeys } from '../lib/detach-keys.js';
import { demultiplex } from '../client/stream-frames.js';
import type { CliContext } from './context.js';

export interface SessionOptions {
  socket: Socket;
  multiplexed: boolean;
  tty: boolean;
  /** Send the local stdin. */
  stdin: boolean;
  detachKeys?: string;
  /** Called with the terminal's size at start and on every change (TTY sessions only). */
  resize?: (height: number, width: number) => Promise<void>;
}

/** Resolves 'detached' when the user typed the detach keys, else 'ended' once the output ended. */
export async function runSession(ctx: CliContext, o: SessionOptions): Promise<'ended' | 'detached'> {
  const { socket } = o;
  const stdin = ctx.stdin;
  const raw = o.tty && o.stdin && stdin.isTTY;
  const scanner = new DetachScanner(parseDetachKeys(o.detachKeys ?? ''));
  let detached = false;
  const output = o.multiplexed
    ? demultiplex(socket, ctx.stdout, ctx.stderr)
    : new Promise<void>((resolve) => {
        socket.on('data', (c: Buffer) => ctx.stdout.write(c));
        socket.once('end', resolve);
        socket.once('close', resolve);
      });
  output.catch(() => undefined);
  const onResize = (): void => {
    if (o.resize && ctx.stdout.isTTY) void o.resize(ctx.stdout.rows, ctx.stdout.columns).catch(() => undefined);
  };
  if (o.tty) {
    onResize();
    ctx.stdout.on('resize', onResize);
  }
  let detach: () => void = () => undefined;
  const detachedPromise = new Promise<void>((resolve) => (detach = resolve));
  const onData = (chunk: Buffer): void => {
    if (detached) return;
    const { pass, detach: hit } = o.tty ? scanner.feed(chunk) : { pass: chunk, detach: false };
    if (pass.length) socket.write(pass);
    if (hit) {
      detached = true;
      detach();
    }
  };
  const onEnd = (): void => {
    if (!detached && !socket.destroyed) socket.end();
  };
  if (o.stdin) {
    if (raw) stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.resume();
  } else {
    socket.end();
  }
  try {
    await Promise.race([output, detachedPromise]);
  } finally {
    ctx.stdout.off('resize', onResize);
    if (o.stdin) {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
    }
    if (detached) socket.destroy();
  }
  return detached ? 'detached' : 'ended';
}
