// Restart policies: validation, the decision after an exit, and Docker's back-off
// (100 ms doubling up to 1 minute, reset once a run lasted 10 seconds).
import { invalidArgument } from '../errdefs.js';
import type { RestartPolicy } from '../../spec/docker/containers.js';

export type PolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface NormalizedPolicy {
  name: PolicyName;
  maxRetries: number;
}

export function normalizeRestartPolicy(policy: RestartPolicy | undefined, autoRemove: boolean): NormalizedPolicy {
  const name = policy?.Name || 'no';
  const maxRetries = policy?.MaximumRetryCount ?? 0;
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name))
    throw invalidArgument(
      `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
    );
  if (maxRetries < 0) throw invalidArgument('invalid restart policy: maximum retry count cannot be negative');
  if (maxRetries > 0 && name !== 'on-failure')
    throw invalidArgument(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  if (autoRemove && name !== 'no') throw invalidArgument(`conflicting options: cannot specify both --restart and --rm`);
  return { name: name as PolicyName, maxRetries };
}

export interface ExitFacts {
  exitCode: number;
  /** Stopped or killed by hand (dockerd's HasBeenManuallyStopped): only `unless-stopped` heeds it. A stop, or a kill
   * that ends the run, makes the exit final before any policy is asked (restart-supervisor.ts). */
  manuallyStopped: boolean;
  restartCount: number;
}

export function shouldRestart(policy: NormalizedPolicy, exit: ExitFacts): boolean {
  switch (policy.name) {
    case 'always':
      return true;
    case 'unless-stopped':
      return !exit.manuallyStopped;
    case 'on-failure':
      return exit.exitCode !== 0 && (policy.maxRetries === 0 || exit.restartCount < policy.maxRetries);
    default:
      return false;
  }
}

/** Should a stopped container with this policy be started when the daemon starts? Docker's rule (checked against
 * dockerd 20.10): `always` even when stopped by hand, `unless-stopped` unless stopped by hand, `on-failure` after a
 * non-zero exit (a stop by hand included), its retry count starting afresh with the daemon. */
export function startsWithDaemon(policy: NormalizedPolicy, manuallyStopped: boolean, exitCode: number): boolean {
  switch (policy.name) {
    case 'always':
      return true;
    case 'unless-stopped':
      return !manuallyStopped;
    case 'on-failure':
      return exitCode !== 0;
    default:
      return false;
  }
}

/** Does a `docker kill` with `signal` make the container's next exit final, whatever its policy? dockerd 20.10's rule
 * (measured side by side): SIGKILL does, and so does the container's stop signal, or any signal when the container
 * names no stop signal (`stopSignal` undefined). */
export function killEndsRun(signal: number, stopSignal: number | undefined): boolean {
  return signal === SIGKILL || stopSignal === undefined || signal === stopSignal;
}
const SIGKILL = 9;

const INITIAL_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
const RESET_AFTER_MS = 10_000;

/** The delay before the next restart, given the previous delay and how long the last run lasted. */
export function nextBackoff(previousDelayMs: number, lastRunMs: number): number {
  if (lastRunMs >= RESET_AFTER_MS || previousDelayMs === 0) return INITIAL_DELAY_MS;
  return Math.min(previousDelayMs * 2, MAX_DELAY_MS);
}
