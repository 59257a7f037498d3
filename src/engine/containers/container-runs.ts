// One run of a container's process: starting it (rootfs, network, mounts, joined namespaces, attaches waiting
// for the start) and recording its end (state, runtime and network cleanup, die/oom events, waiters), with exits
// and failed starts handed to the restart supervisor. Callers hold the container's lock; the exit watch takes it.
import type { Logger } from '../../lib/logger.js';
import type { Clock } from '../../lib/clock.js';
import type { KeyedMutex } from '../../lib/keyed-mutex.js';
import { invalidArgument, isKind } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import { planMounts, type PlannedMount } from '../../core/containers/mount-specs.js';
import { startMounts } from '../../core/volumes/container-volumes.js';
import { probeSpec } from '../../core/health/health-config.js';
import { startingHealth, stoppedHealth } from '../../core/health/health-state.js';
import type { ContainerNetworking } from '../../core/networks/container-networking.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import { startExitCode } from '../../core/runtime/start-error.js';
import type { HealthMonitor } from '../health/health-monitor.js';
import type { ExitWaiters } from './exit-waiters.js';
import { namespaceJoins } from './namespace-joins.js';
import { containerRootfs } from './container-rootfs.js';
import type { ContainerExecs, ContainerFiles, ContainerVolumes, ExitInfo, RuntimePort } from './ports.js';
import type { RestartSupervisor } from './restart-supervisor.js';
import type { StdioAttachments } from './stdio-attachments.js';
import type { OutputFollowers } from './output-followers.js';
import { phase, timedPhases } from '../../lib/phases.js';

export interface ContainerRunsDeps {
  store: ContainerStore;
  snapshots: Snapshotter;
  files: ContainerFiles;
  runtime: RuntimePort;
  logger: Logger;
  volumes?: ContainerVolumes;
  networks?: ContainerNetworking;
  execs?: ContainerExecs;
  clock: Clock;
  locks: KeyedMutex;
  waiters: ExitWaiters;
  attachments: StdioAttachments;
  /** Attaches and `logs -f` of the run: ended, all output delivered, before the exit is announced (as Docker). */
  followers: OutputFollowers;
  health: HealthMonitor | undefined;
  supervisor: RestartSupervisor;
  publish(c: ContainerRecord, action: string, extra?: Record<string, string>): void;
  /** The daemon is shutting down: exits are recorded, nothing is restarted. */
  closed(): boolean;
}

/** One run's end as its exit watch sees it: taken under the lock, it stays that run's, whatever starts after. */
export interface RunEnd {
  /** Settles once the run's process has exited (rejects as the watch's wait for it). */
  exited: Promise<unknown>;
  /** Settles once that exit has been recorded (state, cleanup, `die`). */
  recorded: Promise<void>;
}

export class ContainerRuns {
  /** Per running container: its run's exit watch (one per run: set at its start, dropped once its exit is recorded). */
  private readonly watches = new Map<string, RunEnd>();

  constructor(private readonly deps: ContainerRunsDeps) {}

  /** Settles once the exit of the container's current run has been recorded (at once when none is watched). */
  async exitRecorded(id: string): Promise<void> {
    await this.watches.get(id)?.recorded;
  }

  /**
   * The end of the container's current run (caller holds the lock). A stop waits on this, not on the runtime's
   * exit file: a start in the instant between this run's exit record and such a read would replace the file, and
   * the stop would wait for the next run. A container with no watch (none should run so) gets a fresh wait.
   */
  currentRun(id: string): RunEnd {
    const watched = this.watches.get(id);
    if (watched) return watched;
    const exited = this.deps.runtime.waitExit(id);
    exited.catch(() => undefined);
    return { exited, recorded: Promise.resolve() };
  }

  /** Starts the process; on failure records the error (exit 127/126 as Docker) and rethrows. Caller holds the lock. */
  async launch(c: ContainerRecord, signal?: AbortSignal, foreground?: boolean): Promise<void> {
    const paths = this.deps.files.paths(c.id);
    try {
      // An AutoRemove container's layer is removed at its exit, and at the next start after a host crash (restore
      // records the exit, then removes it): nothing reads it back, so it is mounted without syncs.
      const rootfs = await containerRootfs(this.deps, c, { volatile: c.hostConfig.AutoRemove === true });
      phase('snapshot-mounts');
      const net = this.deps.networks ? await this.deps.networks.setUp(c, { signal }) : {};
      phase('network');
      const beforeStart = (): Promise<void> => this.deps.attachments.connectPending(c.id);
      const joins = namespaceJoins(this.deps.store, c);
      const mounts = await this.mountsFor(c, signal);
      phase('volumes');
      const { pid } = await this.deps.runtime.run(
        { record: c, paths, rootfs, mounts, ...net, ...joins },
        { signal, beforeStart, ...(foreground ? { foreground } : {}) },
      );
      c.state = {
        ...c.state,
        status: 'running',
        pid,
        exitCode: 0,
        error: '',
        startedAt: this.deps.clock.timestamp(),
        oomKilled: false,
        health: probeSpec(c.config) ? startingHealth(c.state.health) : undefined,
      };
      c.manuallyStopped = false;
      this.deps.store.update(c);
      this.deps.publish(c, 'start');
      this.deps.supervisor.launched(c);
      this.watchExit(c.id);
      this.deps.health?.watch(c);
      phase('record');
    } catch (err) {
      const message = (err as Error).message;
      this.deps.attachments.failPending(c.id, err);
      const exitCode = startExitCode(err);
      c.state = {
        ...c.state,
        status: c.state.status === 'restarting' ? 'exited' : c.state.status,
        pid: 0,
        exitCode,
        error: message,
        finishedAt: c.state.status === 'restarting' ? this.deps.clock.timestamp() : c.state.finishedAt,
      };
      this.deps.store.update(c);
      await this.deps.followers.end(c.id);
      await this.deps.runtime.delete(c.id).catch(() => undefined);
      await this.deps.volumes?.releaseFor(c.id, c.mounts);
      await this.deps.networks
        ?.tearDown(c)
        .catch((e: unknown) => this.deps.logger.warn({ err: e, container: c.id }, 'network cleanup failed'));
      this.deps.publish(c, 'die', { exitCode: String(exitCode) });
      this.deps.networks?.announceDisconnects(c);
      this.deps.waiters.exited(c.id, exitCode);
      this.deps.supervisor.startFailed(c);
      throw isKind(err, 'Internal') || !(err as { kind?: string }).kind ? invalidArgument(message, err) : err;
    }
  }

  /** Binds and tmpfs as planned; volumes mounted and bound from their data directory (filled from the image on the first start). */
  private async mountsFor(c: ContainerRecord, signal?: AbortSignal): Promise<PlannedMount[]> {
    const planned = planMounts(c.hostConfig);
    if (!this.deps.volumes) return planned;
    await this.deps.volumes.mountFor(c.id, c.mounts, { signal });
    return startMounts(planned, c.mounts, { copyUp: !c.state.startedAt });
  }

  watchExit(id: string): void {
    if (this.watches.has(id)) return;
    const exited = this.deps.runtime.waitExit(id);
    // Handled here too: a stop that takes this run's end awaits it later.
    exited.catch(() => undefined);
    const handled = exited.then(
      (exit) => this.deps.locks.run(id, () => this.recordExit(id, exit)),
      (err: unknown) => this.deps.logger.error({ err, container: id }, 'waiting for exit failed'),
    );
    // Not tracked as background work: a live container's watch outlives the daemon's shutdown by design.
    const watch: RunEnd = {
      exited,
      // Dropped only if still this run's: the next run's watch is never taken out with it.
      recorded: handled.finally(() => {
        if (this.watches.get(id) === watch) this.watches.delete(id);
      }),
    };
    this.watches.set(id, watch);
  }

  /** Records an exit, the supervisor applying AutoRemove or the restart policy first. Caller holds the lock. */
  private async recordExit(id: string, exit: ExitInfo): Promise<void> {
    await timedPhases(this.deps.logger, 'exit', { container: id }, () => this.recordExitTimed(id, exit));
  }

  private async recordExitTimed(id: string, exit: ExitInfo): Promise<void> {
    const c = this.deps.store.get(id);
    if (!c) return;
    this.deps.health?.unwatch(id);
    c.state = {
      ...c.state,
      status: 'exited',
      pid: 0,
      exitCode: exit.exitCode,
      oomKilled: exit.oomKilled,
      finishedAt: exit.finishedAt || this.deps.clock.timestamp(),
    };
    if (c.state.health) c.state.health = stoppedHealth(c.state.health);
    // The policy decides now, as dockerd's: a restarting container is never seen exited, its `die` comes after.
    if (!this.deps.closed()) this.deps.supervisor.exited(c, exit.exitCode);
    this.deps.store.update(c);
    // Docker's clean-up after an exit unregisters the execs never started; here with the exited state (a wait
    // for not-running answers from it), so whoever sees the container stopped finds them gone.
    this.deps.execs?.containerStopped(id);
    // The exit is recorded (a wait answers at once): the output streams end now, before any cleanup and `die`.
    await this.deps.followers.end(id);
    phase('followers');
    await this.deps.runtime
      .delete(id)
      .catch((err: unknown) => this.deps.logger.warn({ err, container: id }, 'runtime cleanup failed'));
    phase('runtime-delete');
    await this.deps.volumes?.releaseFor(id, c.mounts);
    phase('volumes');
    await this.deps.networks
      ?.tearDown(c)
      .catch((err: unknown) => this.deps.logger.warn({ err, container: id }, 'network cleanup failed'));
    phase('network');
    if (exit.oomKilled) this.deps.publish(c, 'oom');
    this.deps.publish(c, 'die', { exitCode: String(exit.exitCode) });
    this.deps.networks?.announceDisconnects(c);
    this.deps.waiters.exited(id, exit.exitCode);
  }
}
