// State.Health and how each probe result changes it, as Docker's health monitor does: the last 5 results
// kept, output cut at 4096 bytes ("..." marks the cut); a pass makes it healthy and resets the streak; a
// failure counts (except while still starting within the start period) and makes it unhealthy at `retries`.

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface HealthState {
  Status: HealthStatus;
  FailingStreak: number;
  Log: HealthLogEntry[];
}

export const MAX_LOG_ENTRIES = 5;
export const MAX_OUTPUT_BYTES = 4096;

/** Output as Docker keeps it: the first 4096 bytes, then "..." when there was more. */
export function probeOutput(raw: Buffer | string): string {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  if (bytes.length <= MAX_OUTPUT_BYTES) return bytes.toString('utf8');
  return `${bytes.subarray(0, MAX_OUTPUT_BYTES).toString('utf8')}...`;
}

/** A fresh start: "starting", the earlier log kept (Docker keeps it across restarts). */
export const startingHealth = (previous: HealthState | undefined): HealthState => ({
  Status: 'starting',
  FailingStreak: previous?.FailingStreak ?? 0,
  Log: previous?.Log ?? [],
});

/** Stopped: Docker reports a stopped container with a health check as unhealthy. */
export const stoppedHealth = (previous: HealthState): HealthState => ({ ...previous, Status: 'unhealthy' });

export function applyProbeResult(
  state: HealthState,
  entry: HealthLogEntry,
  opts: { retries: number; startPeriodMs: number; startedAtMs: number },
): HealthState {
  const Log = [...state.Log, entry].slice(-MAX_LOG_ENTRIES);
  if (entry.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  const inStartPeriod = state.Status === 'starting' && Date.parse(entry.Start) - opts.startedAtMs < opts.startPeriodMs;
  if (inStartPeriod) return { ...state, Log };
  const FailingStreak = state.FailingStreak + 1;
  return { Status: FailingStreak >= opts.retries ? 'unhealthy' : state.Status, FailingStreak, Log };
}

/** ps's suffix: "(healthy)", "(unhealthy)", "(health: starting)". */
export const healthSuffix = (s: HealthState): string =>
  s.Status === 'starting' ? ' (health: starting)' : ` (${s.Status})`;
