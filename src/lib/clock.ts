// Time as the engine's timers see it (restart back-off, stop timeouts, health probe intervals): injected, so unit
// tests move time by hand (`ManualClock`) instead of sleeping.
import { formatTimeNano, nowRfc3339Nano } from './time.js';

/** An opaque timer, as returned by `Clock.setTimeout`. */
export type TimerId = { readonly timer: unknown };

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Now as Docker prints times (RFC 3339, nanoseconds, UTC), for records (StartedAt, FinishedAt). */
  timestamp(): string;
  /** `unref`: the timer does not keep the process alive (background housekeeping). */
  setTimeout(fn: () => void, ms: number, options?: { unref?: boolean }): TimerId;
  clearTimeout(id: TimerId | undefined): void;
}

/** A time in milliseconds as Docker prints times. */
export const timestampOf = (ms: number): string => formatTimeNano(BigInt(ms) * 1_000_000n);

/** The real clock and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  timestamp: nowRfc3339Nano,
  setTimeout: (fn, ms, options) => {
    const timer = setTimeout(fn, ms);
    if (options?.unref) timer.unref();
    return { timer };
  },
  clearTimeout: (id) => {
    if (id) clearTimeout(id.timer as NodeJS.Timeout);
  },
};
