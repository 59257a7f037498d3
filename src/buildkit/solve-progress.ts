// One build's SolveStatus stream (Control.Status): vertexes as BuildKit names them, their logs and statuses.
// Every update is kept, so a Status call that arrives late still sees the whole build; the stream ends when
// the build does.
import { createHash } from 'node:crypto';
import { clone, create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampNow, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  StatusResponseSchema,
  VertexLogSchema,
  VertexSchema,
  VertexStatusSchema,
  VertexWarningSchema,
  type StatusResponse,
  type Vertex,
} from '../gen/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';

/** How long a log chunk may wait for more output, and how much output is sent at once at most. */
const LOG_DELAY_MS = 50;
const LOG_BATCH_BYTES = 32 * 1024;

export class VertexProgress {
  private readonly vertex: Vertex;
  private pending: { stream: bigint; timestamp: Timestamp; chunks: Buffer[]; bytes: number } | undefined;
  private pendingTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly progress: SolveProgress,
    digest: string,
    name: string,
  ) {
    this.vertex = create(VertexSchema, { digest, name, started: timestampNow() });
    this.publish();
  }

  get digest(): string {
    return this.vertex.digest;
  }

  /**
   * Output as it arrives, sent as VertexLogs: small chunks that come close together are sent as one (a chatty RUN
   * would otherwise be one message per write); a pending chunk goes out after LOG_DELAY_MS, when it reaches
   * LOG_BATCH_BYTES, when the other stream writes, and before the vertex completes.
   */
  log(text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    if (text === '') return;
    const streamId = stream === 'stderr' ? 2n : 1n;
    if (this.pending && this.pending.stream !== streamId) this.flushLog();
    if (!this.pending) {
      this.pending = { stream: streamId, timestamp: timestampNow(), chunks: [], bytes: 0 };
      this.pendingTimer = setTimeout(() => this.flushLog(), LOG_DELAY_MS);
      this.pendingTimer.unref();
    }
    const chunk = Buffer.from(text);
    this.pending.chunks.push(chunk);
    this.pending.bytes += chunk.length;
    if (this.pending.bytes >= LOG_BATCH_BYTES) this.flushLog();
  }

  private flushLog(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(this.pendingTimer);
    const log = create(VertexLogSchema, {
      vertex: this.vertex.digest,
      timestamp: pending.timestamp,
      stream: pending.stream,
      msg: Buffer.concat(pending.chunks),
    });
    this.progress.publish({ logs: [log] });
  }

  /** A named sub-step (`writing image sha256:…`, `transferring context:` with its bytes), started and completed at once. */
  status(id: string, bytes?: number): void {
    this.flushLog();
    const now = timestampNow();
    const status = create(VertexStatusSchema, {
      ID: id,
      vertex: this.vertex.digest,
      ...(bytes !== undefined ? { current: BigInt(bytes) } : {}),
      timestamp: now,
      started: now,
      completed: now,
    });
    this.progress.publish({ statuses: [status] });
  }

  /** A warning on this vertex; buildx lists them after the build ("1 warning found"). */
  warn(warning: { short: string; detail: string[]; url: string }): void {
    this.progress.warn({
      vertex: this.vertex.digest,
      level: 1n,
      short: Buffer.from(warning.short),
      detail: warning.detail.map((d) => Buffer.from(d)),
      url: warning.url,
    });
  }

  cached(): void {
    this.flushLog();
    this.vertex.cached = true;
    this.publish();
  }

  end(error?: Error): void {
    this.flushLog();
    if (this.vertex.completed) return;
    this.vertex.completed = timestampNow();
    if (error) this.vertex.error = error.message;
    this.publish();
  }

  /** A copy: updates are sent later, and the vertex changes meanwhile. */
  private publish(): void {
    this.progress.publish({ vertexes: [clone(VertexSchema, this.vertex)] });
  }

  /** Runs work as this vertex: completed when it settles, with its error when it fails. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.end();
      return result;
    } catch (err) {
      this.end(err as Error);
      throw err;
    }
  }
}

export class SolveProgress {
  private readonly updates: StatusResponse[] = [];
  private finished = false;
  private readonly wakers = new Set<() => void>();

  constructor(private readonly ref: string) {}

  /** A vertex; the digest is derived from the build and the name, so it is stable within a build. */
  vertex(name: string): VertexProgress {
    const digest = `sha256:${createHash('sha256').update(`${this.ref}\0${name}`).digest('hex')}`;
    return new VertexProgress(this, digest, name);
  }

  /** A warning as a frontend sends it (the gateway's Warn); the client shows it when the vertex is known. */
  warn(warning: MessageInitShape<typeof VertexWarningSchema>): void {
    this.publish({ warnings: [create(VertexWarningSchema, warning)] });
  }

  publish(update: {
    vertexes?: Vertex[];
    statuses?: StatusResponse['statuses'];
    logs?: StatusResponse['logs'];
    warnings?: StatusResponse['warnings'];
  }): void {
    if (this.finished) return;
    this.updates.push(create(StatusResponseSchema, update));
    this.wake();
  }

  finish(): void {
    this.finished = true;
    this.wake();
  }

  private wake(): void {
    for (const w of this.wakers) w();
    this.wakers.clear();
  }

  async *stream(signal?: AbortSignal): AsyncGenerator<StatusResponse> {
    const stop = (): void => this.wake();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      let next = 0;
      for (;;) {
        while (next < this.updates.length) yield this.updates[next++] as StatusResponse;
        if (this.finished || signal?.aborted) return;
        await new Promise<void>((resolve) => this.wakers.add(resolve));
      }
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }
}
