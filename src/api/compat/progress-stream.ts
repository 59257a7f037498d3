// Streams a long operation's JSON progress messages (pull, push) as dockerd does: the HTTP status is
// decided by the first message; an error before any output is a plain error response, one after it is
// an `errorDetail` line at the end of the stream.
import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { errorMessage, type JsonProgressMessage } from '../../core/remotes/progress-message.js';

export type Sink = (message: JsonProgressMessage) => void;

export async function streamProgress(reply: FastifyReply, run: (sink: Sink) => Promise<void>): Promise<FastifyReply> {
  const out = new PassThrough();
  let started = false;
  let onStart: () => void = () => undefined;
  const firstMessage = new Promise<void>((resolve) => (onStart = resolve));
  const sink: Sink = (message) => {
    out.write(`${JSON.stringify(message)}\n`);
    if (!started) {
      started = true;
      onStart();
    }
  };
  const work = run(sink).then(
    () => void out.end(),
    (err: unknown) => {
      if (!started) throw err;
      out.end(`${JSON.stringify(errorMessage(err instanceof Error ? err.message : String(err)))}\n`);
    },
  );
  await Promise.race([firstMessage, work]);
  return reply.type('application/json').send(out);
}
