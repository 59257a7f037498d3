// Phase timings of one operation (create, start, exec, remove) for the daemon's debug log: code on the path calls
// `phase('name')` when a step ends, and `timedPhases` logs one line per operation with the milliseconds each step
// took. Nothing is measured, and no async context is made, unless the logger has debug enabled.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './logger.js';

class PhaseTimer {
  private readonly started = performance.now();
  private last = this.started;
  readonly phases: Record<string, number> = {};

  /** Attributes the time since the previous mark (or the start) to `name`. */
  mark(name: string): void {
    const now = performance.now();
    this.phases[name] = (this.phases[name] ?? 0) + (now - this.last);
    this.last = now;
  }

  summary(): { phasesMs: Record<string, number>; totalMs: number } {
    const round = (ms: number): number => Math.round(ms * 100) / 100;
    const phasesMs = Object.fromEntries(Object.entries(this.phases).map(([k, v]) => [k, round(v)]));
    return { phasesMs, totalMs: round(performance.now() - this.started) };
  }
}

const current = new AsyncLocalStorage<PhaseTimer>();

/** Runs `body`, logging its phases at debug level as `{operation, ...fields, phasesMs, totalMs}` "phases". */
export async function timedPhases<T>(
  logger: Logger,
  operation: string,
  fields: Record<string, unknown>,
  body: () => Promise<T>,
): Promise<T> {
  if (!logger.isLevelEnabled('debug')) return body();
  const timer = new PhaseTimer();
  let failed = false;
  try {
    return await current.run(timer, body);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    timer.mark('rest');
    logger.debug({ operation, ...fields, ...timer.summary(), ...(failed ? { failed } : {}) }, 'phases');
  }
}

/** Ends the current phase of the operation being timed, if any. */
export function phase(name: string): void {
  current.getStore()?.mark(name);
}
