// How `docker stop` ends a container's process: the stop signal (the request's, else the container's StopSignal,
// else SIGTERM), then up to the timeout (the request's, else StopTimeout, else 10 s; 0 = at once, negative =
// forever) for it to exit, then SIGKILL. A paused container is resumed after each signal so that it can act on it.
import type { Clock, TimerId } from '../../lib/clock.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { RuntimePort } from './ports.js';

const DEFAULT_STOP_TIMEOUT_S = 10;
export const SIGKILL = 9;

/** Settles once the process has exited. The caller must not hold what recording the exit needs (the lock). */
export async function stopProcess(
  runtime: RuntimePort,
  clock: Clock,
  c: ContainerRecord,
  signal: number | undefined,
  timeoutSeconds: number | undefined,
): Promise<void> {
  const sig = signal ?? runtime.parseSignal(c.config.StopSignal || 'SIGTERM');
  const timeout = timeoutSeconds ?? c.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
  const exited = runtime.waitExit(c.id);
  if (timeout !== 0) {
    await runtime.kill(c.id, sig).catch(() => undefined);
    if (c.state.status === 'paused') await runtime.resume(c.id).catch(() => undefined);
    if (timeout < 0) {
      await exited;
      return;
    }
    let timer: TimerId | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = clock.setTimeout(() => resolve(false), timeout * 1000)));
    const done = await Promise.race([exited.then(() => true), timedOut]);
    clock.clearTimeout(timer);
    if (done) return;
  }
  await runtime.kill(c.id, SIGKILL).catch(() => undefined);
  if (c.state.status === 'paused') await runtime.resume(c.id).catch(() => undefined);
  await exited;
}
