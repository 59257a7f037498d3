// Progress streams as the Engine API sends them (load, import, pull, push, build): one JSON object
// per line. An `error`/`errorDetail` message ends the stream with that error.
import type { Readable } from 'node:stream';

export interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: unknown;
}

/** An error reported inside a progress stream (docker prints its message as is, without a prefix). */
export class StreamError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'StreamError';
  }
}

/** Yields each JSON line of a stream; throws StreamError at an error message. */
export async function* jsonMessages(stream: Readable): AsyncGenerator<JsonMessage> {
  let buffered = '';
  const parse = (line: string): JsonMessage | undefined => {
    const text = line.trim();
    if (!text) return undefined;
    const msg = JSON.parse(text) as JsonMessage;
    if (msg.errorDetail || msg.error)
      throw new StreamError(msg.errorDetail?.message ?? msg.error ?? 'unknown error', msg.errorDetail?.code);
    return msg;
  };
  stream.setEncoding('utf8');
  for await (const chunk of stream) {
    buffered += chunk as string;
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      const msg = parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      if (msg) yield msg;
      nl = buffered.indexOf('\n');
    }
  }
  const last = parse(buffered);
  if (last) yield last;
}

/** The text docker's jsonmessage display prints for a message on a non-terminal. */
export function messageText(msg: JsonMessage, terminal = false): string {
  let out = '';
  if (msg.id) out += `${msg.id}: `;
  if (msg.progress && terminal) return `${out}${msg.status ?? ''} ${msg.progress}\n`;
  if (msg.stream !== undefined) return out + msg.stream;
  if (msg.status !== undefined) return `${out}${msg.status}\n`;
  return '';
}
