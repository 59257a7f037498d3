// Restart supervision: what becomes of a container once its process has ended, and which containers come back
// when the daemon starts. After an exit: AutoRemove removes it; else its restart policy (no, always,
// on-failure:N, unless-stopped) decides, and a restart waits out Docker's back-off (100 ms doubling to a minute,
// reset by a run of 10 s) in the `restarting` state, which a stop or removal cancels. A health status turning
// unhealthy restarts a container labelled berth.restart-on-unhealthy=true (berth's opt-in beyond Docker).
// As dockerd 20.10: the restart is decided when the exit is recorded, before its `die` (RestartCount counts it from
// then, and the state goes from running to restarting, never through exited); a `docker kill` with SIGKILL, the
// container's stop signal, or any signal when it has none (core/containers/restart-policy.ts killEndsRun) means its
// next exit is final whatever the policy, and ends a pending restart; a start or restart by hand begins afresh
// (RestartCount 0, on-failure's retries and the back-off anew).
// The container service owns the records and the per-container lock; this module owns the timers and the
// back-off, and acts only through `SupervisedContainers`.
import type { Clock, TimerId } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { isKind } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import { isRunning } from '../../core/containers/lifecycle.js';
import {
  nextBackoff,
  normalizeRestartPolicy,
  shouldRestart,
  startsWithDaemon,
} from '../../core/containers/restart-policy.js';
import type { HealthStatus } from '../../core/health/health-state.js';

/** berth's opt-in beyond Docker: restart a container whose health check turns unhealthy. */
export const RESTART_ON_UNHEALTHY_LABEL = 'berth.restart-on-unhealthy';

/** What the supervisor may do to containers: the container service's side of the contract. */
export interface SupervisedContainers {
  /** Runs `work` under the container's lock with its stored record (undefined once it is gone). */
  locked<T>(id: string, work: (c: ContainerRecord | undefined) => Promise<T>): Promise<T>;
  /** Starts the process of a stopped container; the caller holds the lock. Rejects when it cannot start. */
  launch(c: ContainerRecord): Promise<void>;
  /** Stops as `docker stop` does (the stop signal, the timeout, then SIGKILL); waits for the exit's record. */
  stop(id: string): Promise<unknown>;
  /** Removes the container with its anonymous volumes, as `docker rm -fv`. */
  remove(id: string): Promise<void>;
  save(c: ContainerRecord): void;
  publish(c: ContainerRecord, action: string, extra?: Record<string, string>): void;
}

export interface RestartSupervisorDeps {
  containers: SupervisedContainers;
  clock: Clock;
  logger: Logger;
}

export class RestartSupervisor {
  private readonly timers = new Map<string, TimerId>();
  /** The last back-off delay per container, so consecutive quick exits wait longer each time. */
  private readonly backoff = new Map<string, number>();
  /** When each container's current run began, by the supervisor's clock. */
  private readonly runStarts = new Map<string, number>();
  private readonly background = new Set<Promise<unknown>>();
  /** Containers a kill ended: their next exit is final (dockerd's "exit on next"); until their next run. */
  private readonly exitOnNext = new Set<string>();
  private closed = false;

  constructor(private readonly deps: RestartSupervisorDeps) {}

  /** A run began (a start, a restart, or a live container found at daemon start). */
  launched(c: ContainerRecord): void {
    this.runStarts.set(c.id, this.deps.clock.now());
    this.exitOnNext.delete(c.id);
  }

  /** A start or restart by hand (not by the policy): the count and the back-off begin afresh, as dockerd's. */
  startedByHand(c: ContainerRecord): void {
    c.restartCount = 0;
    this.backoff.delete(c.id);
  }

  /**
   * The container's process exited (the caller holds its lock, has set the exited state and saves the record after,
   * then announces `die`): removes an AutoRemove container, or sets it `restarting`, counts the restart and arms it
   * as its policy asks.
   */
  exited(c: ContainerRecord, exitCode: number): void {
    const started = this.runStarts.get(c.id) ?? (c.state.startedAt ? Date.parse(c.state.startedAt) : undefined);
    this.runStarts.delete(c.id);
    const final = this.exitOnNext.delete(c.id);
    if (this.closed) return;
    if (c.hostConfig.AutoRemove) {
      this.track(this.removeLater(c.id));
      return;
    }
    const policy = normalizeRestartPolicy(c.hostConfig.RestartPolicy, false);
    if (final) return;
    if (!shouldRestart(policy, { exitCode, manuallyStopped: c.manuallyStopped, restartCount: c.restartCount })) return;
    const ranMs = started === undefined ? 0 : this.deps.clock.now() - started;
    const delayMs = nextBackoff(this.backoff.get(c.id) ?? 0, ranMs);
    this.backoff.set(c.id, delayMs);
    c.restartCount += 1;
    c.state.status = 'restarting';
    const timer = this.deps.clock.setTimeout(() => {
      this.timers.delete(c.id);
      this.track(this.deps.containers.locked(c.id, (current) => this.restartAfterExit(current)));
    }, delayMs);
    this.timers.set(c.id, timer);
  }

  /** A start failed: as Docker, an AutoRemove container is removed (its client waits for that). */
  startFailed(c: ContainerRecord): void {
    if (c.hostConfig.AutoRemove && !this.closed) this.track(this.removeLater(c.id));
  }

  /**
   * A stop, a removal, or a kill whose signal ends the run (restart-policy.ts killEndsRun): the run's next exit is
   * final, and a pending restart is cancelled (the container is left exited); true when one was. The caller holds the
   * lock and saves the record.
   */
  cancel(c: ContainerRecord): boolean {
    this.exitOnNext.add(c.id);
    this.deps.clock.clearTimeout(this.timers.get(c.id));
    this.timers.delete(c.id);
    if (c.state.status !== 'restarting') return false;
    c.state.status = 'exited';
    return true;
  }

  /** A health status change (already published): restarts an unhealthy container that opted in. */
  healthChanged(c: ContainerRecord, status: HealthStatus): void {
    if (status !== 'unhealthy' || c.config.Labels?.[RESTART_ON_UNHEALTHY_LABEL] !== 'true' || this.closed) return;
    this.track(this.restartUnhealthy(c.id));
  }

  /** At daemon start, for a container that is not running: should it be started again? */
  startsAtDaemonStart(c: ContainerRecord): boolean {
    const policy = normalizeRestartPolicy(c.hostConfig.RestartPolicy, false);
    return (
      startsWithDaemon(policy, c.manuallyStopped, c.state.exitCode) &&
      c.state.status === 'exited' &&
      Boolean(c.state.startedAt)
    );
  }

  /** The container is gone: drop what is kept about it. */
  forget(id: string): void {
    this.deps.clock.clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.backoff.delete(id);
    this.runStarts.delete(id);
    this.exitOnNext.delete(id);
  }

  /** Cancels pending restarts and waits for restarts and removals under way; containers keep running. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) this.deps.clock.clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.background]);
  }

  private async restartAfterExit(c: ContainerRecord | undefined): Promise<void> {
    if (!c || c.state.status !== 'restarting' || this.closed) return;
    try {
      await this.deps.containers.launch(c);
    } catch (err) {
      this.deps.logger.warn({ err, container: c.id }, 'restart by policy failed');
    }
  }

  /** The opt-in restart: stop as `docker stop` does, start again, count it in RestartCount, publish `restart`. */
  private async restartUnhealthy(id: string): Promise<void> {
    this.deps.logger.info({ container: id }, 'restarting an unhealthy container (berth.restart-on-unhealthy)');
    await this.deps.containers.stop(id);
    await this.deps.containers.locked(id, async (c) => {
      if (!c || isRunning(c) || c.state.status === 'removing' || this.closed) return;
      c.restartCount += 1;
      await this.deps.containers.launch(c);
      this.deps.containers.publish(c, 'restart', { reason: 'unhealthy' });
    });
  }

  /** Removal queued behind the current holder of the container's lock. */
  private removeLater(id: string): Promise<void> {
    return this.deps.containers
      .remove(id)
      .catch((err: unknown) => (isKind(err, 'NotFound') ? undefined : Promise.reject(err)));
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((err: unknown) => this.deps.logger.error({ err }, 'restart supervision failed'));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}
