// Builds in flight, by the ref the client chose: Control.Solve, Control.Status and the client's gateway calls
// (LLBBridge, tagged with the same ref in their metadata) meet here. buildx runs the dockerfile frontend
// through the gateway: Control.Solve waits for the gateway's Return, then exports what it returned.
import { ConnectError, Code } from '@connectrpc/connect';
import type { ImageRecord } from '../core/images/image-record.js';
import { SolveProgress } from './solve-progress.js';
import type { SolveCache } from './cache-options.js';

export interface GatewayReturn {
  /** The ref returned as the build's result; undefined for a build with no result (buildx's capability probe). */
  ref?: string;
  error?: { code: number; message: string };
}

/** How long a gateway call waits for its build's Control.Solve before failing "no such job", as BuildKit's
 * gateway forwarder does (3 s there; more here, since berthd shares a loaded machine). */
const JOB_WAIT_MS = 10_000;

export class SolveState {
  readonly progress: SolveProgress;
  /** Results of this build's gateway solves, by the ref id given back to the client. */
  readonly results = new Map<string, ImageRecord>();
  readonly returned: Promise<GatewayReturn>;
  private resolveReturn!: (r: GatewayReturn) => void;
  /** The client session Control.Solve named (the gateway's calls may come first and wait for it). */
  private readonly session: Promise<string>;
  private resolveSession!: (id: string) => void;
  private rejectSession!: (err: Error) => void;

  constructor(readonly ref: string) {
    this.progress = new SolveProgress(ref);
    this.returned = new Promise((resolve) => (this.resolveReturn = resolve));
    this.session = new Promise((resolve, reject) => {
      this.resolveSession = resolve;
      this.rejectSession = reject;
    });
    this.session.catch(() => undefined); // read by gateway calls only; none may be waiting
  }

  /** What Control.Solve's cache options ask (read by the gateway's frontend once the session is known). */
  cache: SolveCache = { inline: false };

  /** Control.Solve has accepted the build: its session and cache options. */
  start(sessionId: string, cache: SolveCache): void {
    this.cache = cache;
    this.resolveSession(sessionId);
  }

  /** The session of this build, once Control.Solve names it. Fails when the build ended without one (its
   * Solve refused: buildx's gateway client would otherwise wait forever, and the docker CLI with it), or
   * when no Control.Solve comes in time. */
  async sessionId(signal: AbortSignal): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await Promise.race([
        this.session,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ConnectError(`no such job ${this.ref}`, Code.NotFound)), JOB_WAIT_MS);
          onAbort = () => reject(new ConnectError('solve canceled', Code.Canceled));
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  return(result: GatewayReturn): void {
    this.resolveReturn(result);
  }

  /** The build is over: its Status stream ends, and gateway calls still waiting for its session fail with
   * why it ended (a refusal's message, so the client's gateway goroutine ends with the Solve's error). */
  end(reason: Error): void {
    this.progress.finish();
    this.rejectSession(reason);
  }
}

export class Solves {
  private readonly states = new Map<string, SolveState>();

  /** The build with this ref, made on first mention (Status may come before Solve). */
  get(ref: string): SolveState {
    let state = this.states.get(ref);
    if (!state) {
      state = new SolveState(ref);
      this.states.set(ref, state);
    }
    return state;
  }

  find(ref: string): SolveState | undefined {
    return this.states.get(ref);
  }

  /** Ends the build, done or refused: its status stream closes; a Status that arrives later finds nothing
   * and ends at once. */
  finish(ref: string, error?: unknown): void {
    const state = this.states.get(ref);
    state?.end(error instanceof Error ? error : new ConnectError(`build ${ref} has ended`, Code.FailedPrecondition));
    // Kept briefly so a Status call racing the end still reads the whole stream.
    setTimeout(() => {
      if (this.states.get(ref) === state) this.states.delete(ref);
    }, 30_000).unref();
  }
}
