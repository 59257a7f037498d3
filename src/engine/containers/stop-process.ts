// How `docker stop` ends a container's process: the stop signal (the request's, else the container's StopSignal,
// else SIGTERM), then up to the timeout (the request's, else StopTimeout, else 10 s; 0 = none, negative = forever)
// for it to exit, then SIGKILL; with a timeout of 0 the stop signal still goes first (dockerd 20.10's kill events:
// 15, then 9). A paused container is resumed after each signal so that it can act on it. The signals are sent under
// the container's lock and the wait is not (as dockerd: a kill, rm -f, start, pause or another stop sent meanwhile is
// served at once), so the caller re-checks under the lock, before the SIGKILL, that the run it signalled is still
// the container's. The wait is for that run's exit as its exit watch sees it, taken under the lock with the signal:
// never for a run a start began meanwhile.
import type { Clock, TimerId } from '../../lib/clock.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { RuntimePort } from './ports.js';

const DEFAULT_STOP_TIMEOUT_S = 10;
export const SIGKILL = 9;

/** A stop under way: the signalled process's exit, and how long to wait for it before SIGKILL. */
export interface StopWait {
  /** Settles once the process the stop signal went to has exited. */
  exited: Promise<unknown>;
  /** Seconds; 0 = SIGKILL at once, negative = no SIGKILL. */
  timeoutSeconds: number;
  /** The stop signal sent. */
  sent: number;
}

/** Sends the stop signal to the run whose end is `exited` (container-runs.ts currentRun). The caller holds the lock. */
export async function sendStopSignal(
  runtime: RuntimePort,
  c: ContainerRecord,
  exited: Promise<unknown>,
  options: { signal: number | undefined; timeoutSeconds: number | undefined },
): Promise<StopWait> {
  const sig = options.signal ?? runtime.parseSignal(c.config.StopSignal || 'SIGTERM');
  const timeout = options.timeoutSeconds ?? c.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
  await signalProcess(runtime, c, sig);
  return { exited, timeoutSeconds: timeout, sent: sig };
}

/** Sends a signal to the container's process, resuming a paused one so that it can act on it. Caller holds the lock. */
export async function signalProcess(runtime: RuntimePort, c: ContainerRecord, signal: number): Promise<void> {
  await runtime.kill(c.id, signal).catch(() => undefined);
  if (c.state.status === 'paused') await runtime.resume(c.id).catch(() => undefined);
}

/** True once the process exited, false once the timeout passed first (at once for 0). The caller must not hold
 * the lock: recording the exit, and everything a user sends meanwhile, needs it. */
export async function exitedInTime(clock: Clock, wait: StopWait): Promise<boolean> {
  if (wait.timeoutSeconds === 0) return false;
  if (wait.timeoutSeconds < 0) {
    await wait.exited;
    return true;
  }
  let timer: TimerId | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = clock.setTimeout(() => resolve(false), wait.timeoutSeconds * 1000);
  });
  const done = await Promise.race([wait.exited.then(() => true), timedOut]);
  clock.clearTimeout(timer);
  return done;
}
