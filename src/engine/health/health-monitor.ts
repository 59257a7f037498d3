// Runs each running container's health probe on its timer, as Docker's health monitor: the first probe one
// interval after the start (the start interval while still starting within the start period), each probe an
// exec in the container with the check's timeout (the process is killed and reaped when it hangs) and its
// output cut at 4096 bytes; results are written into the record under the container's lock, and a change
// of status publishes Docker's `health_status: <status>` event. Timers live in memory and are re-armed
// from the records when the daemon restarts (watch() on restore), so checks go on across restarts.
import type { Logger } from '../../lib/logger.js';
import { systemClock, type Clock, type TimerId } from '../../lib/clock.js';
import { nowRfc3339Nano } from '../../lib/time.js';
import { isKind } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import { probeSpec, type ProbeSpec } from '../../core/health/health-config.js';
import {
  applyProbeResult,
  MAX_OUTPUT_BYTES,
  probeOutput,
  startingHealth,
  type HealthLogEntry,
  type HealthStatus,
} from '../../core/health/health-state.js';
import { goDuration } from '../../core/health/go-duration.js';

export interface ProbeRunner {
  (
    containerId: string,
    cmd: string[],
    options: { timeoutMs: number; maxOutputBytes: number; user?: string },
  ): Promise<{ exitCode: number; output: string; timedOut: boolean }>;
}

export interface HealthMonitorDeps {
  probe: ProbeRunner;
  get(id: string): ContainerRecord | undefined;
  /** Applies `change` to the stored record under the container's lock; the record when it changed it. */
  update(id: string, change: (c: ContainerRecord) => boolean): Promise<ContainerRecord | undefined>;
  /** A status change: the container service publishes the event and acts on it (opt-in restart). */
  changed(c: ContainerRecord, status: HealthStatus): void;
  logger: Logger;
  /** Absent: the real clock. */
  clock?: Clock;
}

interface Watch {
  timer: TimerId | undefined;
  running: Promise<void> | undefined;
}

export class HealthMonitor {
  private readonly watches = new Map<string, Watch>();
  private closed = false;

  private readonly clock: Clock;

  constructor(private readonly deps: HealthMonitorDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** Arms the timer of a running container that has a health check (no-op otherwise, or when armed). */
  watch(c: ContainerRecord): void {
    if (this.closed || this.watches.has(c.id) || !probeSpec(c.config)) return;
    const w: Watch = { timer: undefined, running: undefined };
    this.watches.set(c.id, w);
    this.arm(c.id, w);
  }

  unwatch(id: string): void {
    const w = this.watches.get(id);
    this.clock.clearTimeout(w?.timer);
    this.watches.delete(id);
  }

  /** Stops every timer and waits for probes in flight. */
  async close(): Promise<void> {
    this.closed = true;
    const inFlight = [...this.watches.values()].map((w) => w.running);
    for (const id of [...this.watches.keys()]) this.unwatch(id);
    await Promise.allSettled(inFlight);
  }

  private interval(c: ContainerRecord, spec: ProbeSpec): number {
    const sinceStart = this.clock.now() - Date.parse(c.state.startedAt);
    if (sinceStart >= spec.startPeriodMs) return spec.intervalMs;
    return (c.state.health?.Status ?? 'starting') === 'starting' ? spec.startIntervalMs : spec.intervalMs;
  }

  private arm(id: string, w: Watch): void {
    const c = this.deps.get(id);
    const spec = c && probeSpec(c.config);
    if (!c || !spec || this.watches.get(id) !== w) return;
    w.timer = this.clock.setTimeout(
      () => {
        w.timer = undefined;
        w.running = this.tick(id, w).catch((err: unknown) =>
          this.deps.logger.warn({ err, container: id }, 'health probe failed'),
        );
        void w.running.finally(() => {
          w.running = undefined;
          if (this.watches.get(id) === w) this.arm(id, w);
        });
      },
      this.interval(c, spec),
    );
  }

  private async tick(id: string, w: Watch): Promise<void> {
    const c = this.deps.get(id);
    const spec = c && probeSpec(c.config);
    if (!c || !spec) return this.unwatch(id);
    if (c.state.status === 'paused') return;
    if (c.state.status !== 'running') return this.unwatch(id);
    const entry = await this.runProbe(c, spec);
    if (!entry || this.watches.get(id) !== w) return;
    let status: HealthStatus | undefined;
    const updated = await this.deps.update(id, (rec) => {
      if (rec.state.status !== 'running') return false;
      const before = rec.state.health?.Status;
      rec.state.health = applyProbeResult(rec.state.health ?? startingHealth(undefined), entry, {
        retries: spec.retries,
        startPeriodMs: spec.startPeriodMs,
        startedAtMs: Date.parse(rec.state.startedAt),
      });
      if (rec.state.health.Status !== before) status = rec.state.health.Status;
      return true;
    });
    if (updated && status) this.deps.changed(updated, status);
  }

  /** One probe as a log entry; undefined when the container stopped meanwhile. */
  private async runProbe(c: ContainerRecord, spec: ProbeSpec): Promise<HealthLogEntry | undefined> {
    const Start = nowRfc3339Nano();
    try {
      const r = await this.deps.probe(c.id, spec.cmd, {
        timeoutMs: spec.timeoutMs,
        maxOutputBytes: MAX_OUTPUT_BYTES + 1,
        user: c.config.User || undefined,
      });
      if (r.timedOut)
        return {
          Start,
          End: nowRfc3339Nano(),
          ExitCode: -1,
          Output: `Health check exceeded timeout (${goDuration(spec.timeoutMs)})`,
        };
      return { Start, End: nowRfc3339Nano(), ExitCode: r.exitCode, Output: probeOutput(r.output) };
    } catch (err) {
      if (isKind(err, 'Conflict') || isKind(err, 'NotFound')) return undefined;
      return { Start, End: nowRfc3339Nano(), ExitCode: -1, Output: (err as Error).message };
    }
  }
}
