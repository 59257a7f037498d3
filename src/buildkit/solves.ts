// Builds in flight, by the ref the client chose: Control.Solve, Control.Status and the client's gateway calls
// (LLBBridge, tagged with the same ref in their metadata) meet here. buildx runs the dockerfile frontend
// through the gateway: Control.Solve waits for the gateway's Return, then exports what it returned.
import type { ImageRecord } from '../core/images/image-record.js';
import { SolveProgress } from './solve-progress.js';

export interface GatewayReturn {
  /** The ref returned as the build's result; undefined for a build with no result (buildx's capability probe). */
  ref?: string;
  error?: { code: number; message: string };
}

export class SolveState {
  readonly progress: SolveProgress;
  /** Results of this build's gateway solves, by the ref id given back to the client. */
  readonly results = new Map<string, ImageRecord>();
  readonly returned: Promise<GatewayReturn>;
  private resolveReturn!: (r: GatewayReturn) => void;
  /** The client session Control.Solve named (the gateway's calls may come first and wait for it). */
  readonly session: Promise<string>;
  private resolveSession!: (id: string) => void;

  constructor(readonly ref: string) {
    this.progress = new SolveProgress(ref);
    this.returned = new Promise((resolve) => (this.resolveReturn = resolve));
    this.session = new Promise((resolve) => (this.resolveSession = resolve));
  }

  setSession(id: string): void {
    this.resolveSession(id);
  }

  return(result: GatewayReturn): void {
    this.resolveReturn(result);
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

  /** Ends the build: its status stream closes; a Status that arrives later finds nothing and ends at once. */
  finish(ref: string): void {
    const state = this.states.get(ref);
    state?.progress.finish();
    // Kept briefly so a Status call racing the end still reads the whole stream.
    setTimeout(() => {
      if (this.states.get(ref) === state) this.states.delete(ref);
    }, 30_000).unref();
  }
}
