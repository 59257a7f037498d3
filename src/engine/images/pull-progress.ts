// Progress of one pull or push as dockerd reports it: JSON messages handed to a sink, byte updates for a
// layer at most every 100 ms (and always the last one), so a fast transfer does not flood the stream.
import { Transform, type TransformCallback } from 'node:stream';
import { bytesMessage, type JsonProgressMessage } from '../../core/remotes/progress-message.js';

export type ProgressSink = (message: JsonProgressMessage) => void;

const INTERVAL_MS = 100;

/** Reports `status` with current/total for `id`, throttled. */
export function byteReporter(sink: ProgressSink, id: string, status: string, total: number): (current: number) => void {
  let last = 0;
  return (current) => {
    const now = Date.now();
    if (current < total && now - last < INTERVAL_MS) return;
    last = now;
    sink(bytesMessage(id, status, current, total));
  };
}

/** A pass-through that counts bytes into a reporter. */
export class CountingStream extends Transform {
  private bytes = 0;

  constructor(private readonly report: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.report(this.bytes);
    done(null, chunk);
  }
}
