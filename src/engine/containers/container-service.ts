// The container use cases as the API sees them. The lifecycle is here (create, start, stop, restart, kill, wait,
// remove, rename, restore at daemon start), with one container's state changes serialised by its lock; beside it:
// container-runs.ts (a process run: start, exit watch and record), restart-supervisor.ts (what follows an exit),
// stop-process.ts, container-listing.ts (list, inspect, prune, counts) and container-streams.ts (logs, attach).
import type { Logger } from '../../lib/logger.js';
import { KeyedMutex } from '../../lib/keyed-mutex.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { conflict, internal, invalidArgument, isKind, notFound, withPrefix } from '../../core/errdefs.js';
import type { EventPublisher } from '../../core/events/event.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import { assertRemovable, assertRunning, canStart, isRunning } from '../../core/containers/lifecycle.js';
import { normalizeContainerName } from '../../core/containers/names.js';
import { killEndsRun } from '../../core/containers/restart-policy.js';
import { HealthMonitor, type ProbeRunner } from '../health/health-monitor.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import type { ContainerNetworking } from '../../core/networks/container-networking.js';
import type { ContainerCreateRequest, ContainerWaitResponse } from '../../spec/docker/containers.js';
import { createContainer } from './create-container.js';
import { ExitWaiters } from './exit-waiters.js';
import type {
  ContainerExecs,
  ContainerFiles,
  ContainerVolumes,
  ImageResolver,
  RemovalCrashPoint,
  CreateRecordPausePoint,
  RuntimePort,
  StopPausePoint,
} from './ports.js';
import { resolveContainer } from './resolve.js';
import { StdioAttachments } from './stdio-attachments.js';
import { OutputFollowers } from './output-followers.js';
import type { ConsoleSize, StdioStream } from '../../core/runtime/runtime.js';
import { refuseCriOwnedLabels } from '../../core/containers/cri-owned-labels.js';
import type { ContainersApi, ContainerView, ListOptions, LogEntry, LogOptions, WaitCondition } from './types.js';
import type { ContainerAccess } from './container-access.js';
import { RestartSupervisor } from './restart-supervisor.js';
import { ContainerListing } from './container-listing.js';
import { ContainerStreams } from './container-streams.js';
import { exitedInTime, sendStopSignal, signalProcess, SIGKILL } from './stop-process.js';
import { ContainerRuns } from './container-runs.js';
import type { HostConfigSupport } from '../../core/containers/host-config-check.js';
import { phase, timedPhases } from '../../lib/phases.js';

export interface ContainerServiceDeps {
  store: ContainerStore;
  images: ImageResolver;
  snapshots: Snapshotter;
  files: ContainerFiles;
  runtime: RuntimePort;
  events: EventPublisher;
  logger: Logger;
  storageDriver: string;
  /** Absent in unit tests: then only binds and tmpfs mounts work. */
  volumes?: ContainerVolumes;
  /** Bridge networks, ports, DNS; absent: loopback-only namespaces. */
  networks?: ContainerNetworking;
  /** Runs a health probe in a container (the exec service); absent: health checks do not run. */
  probe?: ProbeRunner;
  /** What the host can honour of HostConfig; absent: a cautious default (see host-config-check.ts). */
  hostSupport?: HostConfigSupport;
  /** Timers and time for back-off, stop timeouts and health probes; absent: the real clock. */
  clock?: Clock;
  /** The containers' exec instances (ExecIDs; they end with a run or the container); absent: no execs. */
  execs?: ContainerExecs;
  /** Test-only: called at each removal crash point (ports.ts); absent unless BERTH_TEST_CRASH_AT is set. */
  crashPoint?: (point: RemovalCrashPoint) => void;
  /** Test-only: a create held before its record, a stop after its signal (ports.ts); absent unless BERTH_TEST_PAUSE_AT is set. */
  pausePoint?: (point: CreateRecordPausePoint | StopPausePoint) => Promise<void>;
}

export { RESTART_ON_UNHEALTHY_LABEL } from './restart-supervisor.js';

export class ContainerService implements ContainersApi {
  private readonly locks = new KeyedMutex();
  private readonly waiters = new ExitWaiters();
  private closed = false;
  private readonly clock: Clock;
  private readonly health: HealthMonitor | undefined;
  private readonly attachments: StdioAttachments;
  private readonly followers: OutputFollowers;
  private readonly supervisor: RestartSupervisor;
  private readonly listing: ContainerListing;
  private readonly streams: ContainerStreams;
  private readonly runs: ContainerRuns;

  constructor(private readonly deps: ContainerServiceDeps) {
    this.clock = deps.clock ?? systemClock;
    this.attachments = new StdioAttachments(deps.runtime);
    this.followers = new OutputFollowers(this.clock);
    this.listing = new ContainerListing({ ...deps, remove: (id) => this.remove(id, { force: false, volumes: false }) });
    this.streams = new ContainerStreams({
      store: deps.store,
      runtime: deps.runtime,
      waiters: this.waiters,
      attachments: this.attachments,
      followers: this.followers,
    });
    this.supervisor = new RestartSupervisor({
      clock: this.clock,
      logger: deps.logger.child({ component: 'restart' }),
      containers: {
        locked: (id, work) => this.locks.run(id, () => work(this.store.get(id))),
        launch: (c) => this.runs.launch(c),
        stop: (id) => this.stop(id, {}),
        remove: (id) => this.remove(id, { force: true, volumes: true, answerBeforeFiles: true }),
        save: (c) => this.store.update(c),
        publish: (c, action, extra) => this.publish(c, action, extra),
      },
    });
    const probe = deps.probe;
    this.health = probe
      ? new HealthMonitor({
          probe,
          get: (id) => this.store.get(id),
          update: (id, change) =>
            this.locks.run(id, async () => {
              const c = this.store.get(id);
              if (!c || !change(c)) return undefined;
              this.store.update(c);
              return c;
            }),
          changed: (c, status) => {
            this.publish(c, `health_status: ${status}`);
            this.supervisor.healthChanged(c, status);
          },
          logger: deps.logger.child({ component: 'health' }),
          clock: this.clock,
        })
      : undefined;
    this.runs = new ContainerRuns({
      ...deps,
      clock: this.clock,
      locks: this.locks,
      waiters: this.waiters,
      attachments: this.attachments,
      followers: this.followers,
      health: this.health,
      supervisor: this.supervisor,
      publish: (c, action, extra) => this.publish(c, action, extra),
      closed: () => this.closed,
    });
  }

  private get store(): ContainerStore {
    return this.deps.store;
  }

  private publish(c: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.publish({
      type: 'container',
      action,
      actor: { id: c.id, attributes: { ...(c.config.Labels ?? {}), image: c.image, name: c.name, ...extra } },
    });
  }

  async create(
    request: ContainerCreateRequest,
    name: string | undefined,
    options: { forPod?: boolean } = {},
  ): Promise<{ id: string; warnings: string[] }> {
    if (!options.forPod) refuseCriOwnedLabels(request.Labels);
    const record = await timedPhases(this.deps.logger, 'create', {}, () => createContainer(this.deps, request, name));
    this.publish(record, 'create');
    return { id: record.id, warnings: [] };
  }

  async start(ref: string, options: { signal?: AbortSignal; foreground?: boolean } = {}): Promise<boolean> {
    const { id } = resolveContainer(this.store, ref);
    return this.locks.run(id, async () => {
      const c = resolveContainer(this.store, id);
      if (c.state.status === 'paused') throw conflict('cannot start a paused container, try unpause instead');
      if (isRunning(c)) return false;
      if (!canStart(c)) throw conflict(`container ${c.id} is marked for removal and cannot be started`);
      this.supervisor.startedByHand(c);
      await timedPhases(this.deps.logger, 'start', { container: c.id }, () =>
        this.runs.launch(c, options.signal, options.foreground),
      );
      return true;
    });
  }

  async stop(ref: string, options: { timeoutSeconds?: number; signal?: string }): Promise<boolean> {
    const { id } = resolveContainer(this.store, ref);
    return timedPhases(this.deps.logger, 'stop', { container: id }, () => this.stopTimed(id, options));
  }

  private async stopTimed(id: string, options: { timeoutSeconds?: number; signal?: string }): Promise<boolean> {
    const signal = options.signal ? this.deps.runtime.parseSignal(options.signal) : undefined;
    const { stopped, recorded, run } = await this.locks.run(id, async () => {
      const c = resolveContainer(this.store, id);
      // The current run's exit and its record, taken now: a start after the exit must not make this stop wait for
      // the next run (container-runs.ts currentRun).
      const current = this.runs.currentRun(id);
      const recorded = current.recorded;
      c.manuallyStopped = true;
      if (this.supervisor.cancel(c)) {
        this.store.update(c);
        return { stopped: true, recorded };
      }
      this.store.update(c);
      if (!isRunning(c)) return { stopped: false, recorded };
      const wait = await sendStopSignal(this.deps.runtime, c, current.exited, {
        signal,
        timeoutSeconds: options.timeoutSeconds,
      });
      // dockerd's `kill` event for each signal a stop sends.
      this.publish(c, 'kill', { signal: String(wait.sent) });
      return { stopped: true, recorded, run: { wait, startedAt: c.state.startedAt, pid: c.state.pid } };
    });
    if (run) await this.deps.pausePoint?.('stop-signalled');
    // The wait holds no lock: a kill, rm -f, start, pause or another stop meanwhile is served at once, as by dockerd.
    if (run && !(await exitedInTime(this.clock, run.wait))) {
      await this.locks.run(id, async () => {
        const c = this.store.get(id);
        // A kill or rm -f may have ended the run this stop signalled, and a start begun another: not this stop's.
        if (!c || !isRunning(c) || c.state.startedAt !== run.startedAt || c.state.pid !== run.pid) return;
        await signalProcess(this.deps.runtime, c, SIGKILL);
        this.publish(c, 'kill', { signal: String(SIGKILL) });
      });
      await run.wait.exited;
    }
    if (run) phase('signal-to-exit');
    await recorded;
    phase('exit-recorded');
    if (stopped) {
      const c = this.store.get(id);
      if (c) this.publish(c, 'stop');
    }
    return stopped;
  }

  async restart(ref: string, options: { timeoutSeconds?: number; signal?: string }): Promise<void> {
    const { id } = resolveContainer(this.store, ref);
    await this.stop(id, options);
    await this.locks.run(id, async () => {
      const c = this.store.get(id);
      // An rm -f while the stop waited (it holds no lock then): dockerd 20.10's answer, a 500 (its restart wraps the
      // start's refusal in a plain error).
      if (!c || c.state.status === 'removing')
        throw internal(`Cannot restart container ${ref}: container is marked for removal and cannot be started`);
      if (!isRunning(c)) {
        this.supervisor.startedByHand(c);
        await this.runs.launch(c);
      }
      this.publish(c, 'restart');
    });
  }

  async kill(ref: string, signalName: string | undefined): Promise<void> {
    const { id } = resolveContainer(this.store, ref);
    const signal = this.deps.runtime.parseSignal(signalName || 'SIGKILL');
    // This run's exit record, taken under the lock (a restart waiting behind this kill starts the next run); in an
    // object, so that the lock is not held until it settles.
    const { recorded } = await this.locks.run(id, async () => {
      const c = resolveContainer(this.store, id);
      const stopSignal = c.config.StopSignal ? this.deps.runtime.parseSignal(c.config.StopSignal) : undefined;
      const ends = killEndsRun(signal, stopSignal);
      // As dockerd 20.10: any kill counts as a stop by hand (`unless-stopped` heeds it, now and at daemon start); a
      // container waiting to restart has no process, and a kill that ends the run cancels the restart, quietly.
      if (c.state.status === 'restarting') {
        c.manuallyStopped = true;
        if (ends) this.supervisor.cancel(c);
        this.store.update(c);
        return { recorded: Promise.resolve() };
      }
      assertRunning(c);
      const recorded = this.runs.exitRecorded(id);
      c.manuallyStopped = true;
      if (ends) this.supervisor.cancel(c);
      this.store.update(c);
      await this.deps.runtime.kill(id, signal);
      this.publish(c, 'kill', { signal: String(signal) });
      // dockerd resumes a paused container after such a kill, so that its process gets the signal.
      if (ends && c.state.status === 'paused') {
        const resumed = await this.deps.runtime.resume(id).then(
          () => true,
          (err: unknown) => this.deps.logger.warn({ err, container: id }, 'resume after kill failed'),
        );
        if (resumed) {
          c.state = { ...c.state, status: 'running' };
          this.store.update(c);
          this.publish(c, 'unpause');
        }
      }
      return { recorded };
    });
    if (signal === SIGKILL) await recorded;
  }

  wait(
    ref: string,
    condition: WaitCondition,
    options: { signal?: AbortSignal } = {},
  ): { ready: Promise<void>; result: Promise<ContainerWaitResponse> } {
    let c: ContainerRecord;
    try {
      c = resolveContainer(this.store, ref);
    } catch (err) {
      return { ready: Promise.reject(err), result: Promise.reject(err) };
    }
    if (condition === 'not-running' && !isRunning(c) && c.state.status !== 'created') {
      return { ready: Promise.resolve(), result: Promise.resolve({ StatusCode: c.state.exitCode, Error: null }) };
    }
    const result = this.waiters.add(c.id, condition === 'removed' ? 'removed' : 'exit', options.signal);
    return { ready: Promise.resolve(), result };
  }

  /**
   * `answerBeforeFiles` (AutoRemove, whose client waits for `removed`): the record goes and waiters are answered once
   * the runtime state is gone and the layer's removal is queued; the layer's and the files' directories go after.
   */
  async remove(ref: string, options: { force: boolean; volumes: boolean; answerBeforeFiles?: boolean }): Promise<void> {
    const { id } = resolveContainer(this.store, ref);
    await this.locks.run(id, () =>
      timedPhases(this.deps.logger, 'remove', { container: id }, async () => {
        const c = resolveContainer(this.store, id);
        assertRemovable(c, options.force);
        this.supervisor.cancel(c);
        if (isRunning(c)) {
          c.manuallyStopped = true;
          this.store.update(c);
          await this.deps.runtime.kill(id, SIGKILL).catch(() => undefined);
          this.publish(c, 'kill', { signal: String(SIGKILL) });
          if (c.state.status === 'paused') await this.deps.runtime.resume(id).catch(() => undefined);
          const exit = await this.deps.runtime.waitExit(id);
          c.state = { ...c.state, status: 'exited', pid: 0, exitCode: exit.exitCode, finishedAt: exit.finishedAt };
          // dockerd's `rm -f` events: kill, die, destroy (the exit watch finds no record after the removal).
          this.publish(c, 'die', { exitCode: String(exit.exitCode) });
          phase('kill-wait');
        }
        // The volumes' fate is stored before the 'removing' state, so that a removal a crash cut off is finished
        // at start as it was asked (with or without its anonymous volumes), even after its record went.
        this.deps.volumes?.intendRemoval(c.id, options.volumes ? c.mounts : []);
        c.state.status = 'removing';
        this.store.update(c);
        this.deps.crashPoint?.('removal-begun');
        await this.destroy(c, { answerBeforeFiles: options.answerBeforeFiles === true });
      }),
    );
  }

  /**
   * Removes every trace of a container. Caller holds the lock. Idempotent, so a crash midway can be finished.
   * By default everything is gone before the record (Docker's order: `rm` answers after the layer and the container
   * dir); a failure leaves the container 'removing' for the next start to finish. `answerBeforeFiles` lets the
   * record go, and the waiters have their answer, before the layer's table write and the directories' removal end:
   * the table change is queued first (later snapshot changes and listings see it), and a crash or failure after the
   * record went leaves only what start-up repair removes (an active snapshot no container names, a container
   * directory no record names). The volumes the removal intended (`rm -v`, AutoRemove: its anonymous ones) go after
   * the record and before the waiters' answer, so a `docker run --rm` that returned has left no volume behind.
   */
  private async destroy(c: ContainerRecord, { answerBeforeFiles = false } = {}): Promise<void> {
    this.health?.unwatch(c.id);
    await this.deps.runtime.delete(c.id);
    phase('runtime-delete');
    // The rootfs is unmounted: the layer, the container's files and its network state go side by side.
    const layer = this.deps.snapshots
      .remove(c.snapshotKey)
      .catch((err: unknown) => (isKind(err, 'NotFound') ? undefined : Promise.reject(err)));
    const files = this.deps.files.remove(c.id);
    const network = this.deps.networks?.forget(c);
    if (answerBeforeFiles) {
      const [net] = await Promise.allSettled([network]);
      phase('network');
      if (net.status === 'rejected') {
        await Promise.allSettled([layer, files]);
        throw net.reason;
      }
      await this.forgetRecord(c);
      phase('store');
      const removed = await Promise.allSettled([layer, files]);
      for (const r of removed) if (r.status === 'rejected') throw r.reason;
      phase('after-answer-snapshot-files');
      return;
    }
    const removed = await Promise.allSettled([layer, files, network]);
    for (const r of removed) if (r.status === 'rejected') throw r.reason;
    phase('snapshot-files-network');
    await this.forgetRecord(c);
    phase('store');
  }

  /**
   * The record goes; then the container is destroyed for everyone who asks or waits. The volumes its removal intended
   * go in between (they are in use until the record is gone), so a waiter for `removed` sees them gone; a crash in
   * between leaves the intent, which start-up finishes (VolumeService.settleRemovals).
   */
  private async forgetRecord(c: ContainerRecord): Promise<void> {
    this.store.delete(c.id);
    this.deps.crashPoint?.('record-deleted');
    this.deps.execs?.containerRemoved(c.id);
    this.supervisor.forget(c.id);
    this.attachments.failPending(c.id, notFound(`No such container: ${c.id}`));
    this.publish(c, 'destroy');
    await this.deps.volumes?.removeIntended(c.id);
    this.waiters.removed(c.id, c.state.exitCode);
  }

  /** The CRI's ReopenContainerLog: the monitor reopens the log at its path (its owner renamed it). */
  async reopenLog(ref: string): Promise<void> {
    const c = resolveContainer(this.store, ref);
    assertRunning(c);
    await this.deps.runtime.reopenLog(c.id);
  }

  list(options: ListOptions): Promise<ContainerView[]> {
    return this.listing.list(options);
  }

  /**
   * Waits for the exit of a container whose process has ended but whose exit is not recorded yet, so that inspect and
   * attach never treat it as running: dockerd's wait for the exit it is handling (under the container's lock).
   * docker-compose 1.29's `run` attaches after the start, and starts the container again (its attaches now waiting
   * for that start) when inspect finds it stopped: that is how it shows the output of a short command.
   */
  private async exitSettled(ref: string): Promise<void> {
    const c = resolveContainer(this.store, ref);
    if (c.state.status === 'running' && (await this.deps.runtime.hasExited(c.id))) await this.runs.exitRecorded(c.id);
  }

  async inspect(ref: string, options: { size: boolean }): Promise<ContainerView> {
    await this.exitSettled(ref);
    return this.listing.inspect(ref, options);
  }

  logs(ref: string, options: LogOptions): Promise<{ tty: boolean; entries: AsyncIterable<LogEntry> }> {
    return this.streams.logs(ref, options);
  }

  async attachOutput(
    ref: string,
    options: Parameters<ContainersApi['attachOutput']>[1],
  ): Promise<{ tty: boolean; entries: AsyncIterable<LogEntry> }> {
    await this.exitSettled(ref);
    const output = await this.streams.attachOutput(ref, options);
    // dockerd's `attach` event: once the attach is set up, before its stream (`docker run`: create, attach, start).
    if (!options.replayOfStdioAttach) this.publish(resolveContainer(this.store, ref), 'attach');
    return output;
  }

  async attachStdio(
    ref: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ tty: boolean; connect: Promise<StdioStream> } | undefined> {
    await this.exitSettled(ref);
    const io = await this.streams.attachStdio(ref, options);
    if (io) this.publish(resolveContainer(this.store, ref), 'attach');
    return io;
  }

  resize(ref: string, size: ConsoleSize): Promise<void> {
    return this.streams.resize(ref, size);
  }

  async rename(ref: string, newName: string): Promise<void> {
    const c = resolveContainer(this.store, ref);
    // As Docker's rename: the name made absolute, compared, then reserved, its refusals "Error when allocating new name: ...".
    const absolute = newName.startsWith('/') ? newName : `/${newName}`;
    if (absolute === `/${c.name}`) throw invalidArgument('Renaming a container with the same name as its current name');
    try {
      this.store.rename(c.id, normalizeContainerName(absolute));
    } catch (err) {
      throw withPrefix(err, 'Error when allocating new name');
    }
    const name = absolute.slice(1);
    this.publish({ ...c, name }, 'rename', { oldName: `/${c.name}` });
  }

  prune(filters: Map<string, string[]>): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    return this.listing.prune(filters);
  }

  counts(): { containersRunning: number; containersPaused: number; containersStopped: number } {
    return this.listing.counts();
  }

  /** After a daemon (re)start: re-attach to live containers, record exits that happened while down, finish removals. */
  async restore(): Promise<void> {
    const records = this.store.list();
    // An AutoRemove container's record goes before its directory (destroy's answerBeforeFiles): a crash between
    // leaves the directory alone.
    const orphans = await this.deps.files.removeOrphans(new Set(records.map((c) => c.id)));
    if (orphans.length > 0) this.deps.logger.info({ containers: orphans }, 'removed directories of removed containers');
    // Volumes of removals a crash cut off after their record went are removed; the intents of 'removing' ones are
    // finished with them below.
    const states = new Map(records.map((c) => [c.id, c.state.status === 'removing' ? 'removing' : 'present'] as const));
    await this.deps.volumes?.settleRemovals((id) => states.get(id) ?? 'absent');
    // Runtime state of a container that is not running belongs to no run: a start the crash cut off (its state dir
    // made, its rootfs mounted, conmon not begun). Undone below, so no mount waits for the next start or the removal.
    const withState = new Set(await this.deps.runtime.list().catch(() => [] as string[]));
    for (const c of records) {
      await this.locks.run(c.id, async () => {
        if (c.state.status === 'removing') return this.destroy(c);
        // As dockerd 20.10's restore: an AutoRemove container that is not running (created and never started, or
        // whose removal a crash cut off before it began) goes, so its layer may be made without waiting for the
        // disk (create-container.ts: a crash can lose it, and then the container goes with it).
        if (!isRunning(c) && c.hostConfig.AutoRemove) {
          // As its removal after an exit (`rm -fv`): the anonymous volumes go too, before a waiter's answer.
          this.deps.volumes?.intendRemoval(c.id, c.mounts);
          c.state.status = 'removing';
          this.store.update(c);
          return this.destroy(c);
        }
        if (!isRunning(c)) {
          if (withState.has(c.id))
            await this.deps.runtime
              .delete(c.id)
              .catch((err: unknown) =>
                this.deps.logger.warn({ err, container: c.id }, 'removing runtime state failed'),
              );
          if (this.supervisor.startsAtDaemonStart(c)) {
            await this.runs
              .launch(c)
              .catch((err: unknown) => this.deps.logger.warn({ err, container: c.id }, 'start at restore failed'));
          }
          return;
        }
        const { status, pid } = await this.deps.runtime.status(c.id);
        if (status === 'running' || status === 'paused') {
          if (c.state.status === 'restarting') c.state.status = status;
          c.state = { ...c.state, status, pid };
          this.store.update(c);
          this.supervisor.launched(c);
          this.runs.watchExit(c.id);
          this.health?.watch(c);
        } else if (c.state.status === 'restarting') {
          c.state.status = 'exited';
          this.store.update(c);
          if (!c.manuallyStopped) await this.runs.launch(c).catch(() => undefined);
        } else {
          this.runs.watchExit(c.id);
        }
      });
    }
  }

  usersOf(imageId: string): { id: string; running: boolean }[] {
    return this.listing.usersOf(imageId);
  }

  volumeUsers(): { id: string; running: boolean; mounts: ContainerRecord['mounts'] }[] {
    return this.listing.volumeUsers();
  }

  containersPerImage(): Map<string, number> {
    return this.listing.containersPerImage();
  }

  snapshotKeys(): Set<string> {
    return this.listing.snapshotKeys();
  }

  /** For the modules beside this one (archive, stats, commit, control): lookups, the per-container lock, events. */
  readonly access: ContainerAccess = {
    resolve: (ref) => resolveContainer(this.store, ref),
    locked: (ref, work) => {
      const { id } = resolveContainer(this.store, ref);
      return this.locks.run(id, () => work(resolveContainer(this.store, id)));
    },
    save: (c) => this.store.update(c),
    publish: (c, action, extra) => this.publish(c, action, extra),
  };

  /** Stops timers and waits for background work; containers keep running (live restore). */
  async close(): Promise<void> {
    this.closed = true;
    await this.health?.close();
    await this.supervisor.close();
  }
}
