// The container use cases: lifecycle, listing, logs, waits. State changes of one container are serialised;
// exits are watched per running container and handed to the restart supervisor (policies, AutoRemove).
import type { Logger } from '../../lib/logger.js';
import { KeyedMutex } from '../../lib/keyed-mutex.js';
import { systemClock, type Clock, type TimerId } from '../../lib/clock.js';
import { nowNano } from '../../lib/time.js';
import { conflict, invalidArgument, isKind, notFound } from '../../core/errdefs.js';
import type { EventPublisher } from '../../core/events/event.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import { assertRemovable, assertRunning, canStart, isRunning } from '../../core/containers/lifecycle.js';
import { normalizeContainerName } from '../../core/containers/names.js';
import { planMounts, type PlannedMount } from '../../core/containers/mount-specs.js';
import { startMounts } from '../../core/volumes/container-volumes.js';
import { probeSpec } from '../../core/health/health-config.js';
import { startingHealth, stoppedHealth } from '../../core/health/health-state.js';
import { HealthMonitor, type ProbeRunner } from '../health/health-monitor.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import type { ContainerNetworking } from '../../core/networks/container-networking.js';
import type { ContainerCreateRequest, ContainerWaitResponse } from '../../spec/docker/containers.js';
import { createContainer } from './create-container.js';
import { ExitWaiters } from './exit-waiters.js';
import { buildListFilter } from './list-filters.js';
import { checkFilterKeys, createdAfter, matchLabels, pruneUntilNano } from '../../core/filters/filter-args.js';
import type { ContainerFiles, ContainerVolumes, ExitInfo, ImageResolver, RuntimePort } from './ports.js';
import { resolveContainer } from './resolve.js';
import { StdioAttachments } from './stdio-attachments.js';
import type { ConsoleSize, StdioStream } from '../../core/runtime/runtime.js';
import { startExitCode } from '../../core/runtime/start-error.js';
import type { ContainersApi, ContainerView, ListOptions, LogEntry, LogOptions, WaitCondition } from './types.js';
import type { ContainerAccess } from './container-access.js';
import { namespaceJoins } from './namespace-joins.js';
import { checkLogsReadable } from '../../core/runtime/log-drivers.js';
import { RestartSupervisor } from './restart-supervisor.js';
import type { HostConfigSupport } from '../../core/containers/host-config-check.js';

const CONTAINER_PRUNE_FILTERS = ['label', 'label!', 'until'];

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
}

export { RESTART_ON_UNHEALTHY_LABEL } from './restart-supervisor.js';

const DEFAULT_STOP_TIMEOUT_S = 10;
const SIGKILL = 9;

export class ContainerService implements ContainersApi {
  private readonly locks = new KeyedMutex();
  private readonly waiters = new ExitWaiters();
  /** Per running container: settles once its exit has been recorded. */
  private readonly exitHandled = new Map<string, Promise<void>>();
  private closed = false;
  private readonly clock: Clock;
  private readonly health: HealthMonitor | undefined;
  private readonly attachments: StdioAttachments;
  private readonly supervisor: RestartSupervisor;

  constructor(private readonly deps: ContainerServiceDeps) {
    this.clock = deps.clock ?? systemClock;
    this.attachments = new StdioAttachments(deps.runtime);
    this.supervisor = new RestartSupervisor({
      clock: this.clock,
      logger: deps.logger.child({ component: 'restart' }),
      containers: {
        locked: (id, work) => this.locks.run(id, () => work(this.store.get(id))),
        launch: (c) => this.launch(c),
        stop: (id) => this.stop(id, {}),
        remove: (id) => this.remove(id, { force: true, volumes: true }),
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
  }

  private get store(): ContainerStore {
    return this.deps.store;
  }

  private publish(c: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.publish({ type: 'container', action, actor: { id: c.id, attributes: { ...(c.config.Labels ?? {}), image: c.image, name: c.name, ...extra } } });
  }

  async create(request: ContainerCreateRequest, name: string | undefined): Promise<{ id: string; warnings: string[] }> {
    const record = await createContainer(this.deps, request, name);
    this.publish(record, 'create');
    return { id: record.id, warnings: [] };
  }

  async start(ref: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const { id } = resolveContainer(this.store, ref);
    return this.locks.run(id, async () => {
      const c = resolveContainer(this.store, id);
      if (c.state.status === 'paused') throw conflict('cannot start a paused container, try unpause instead');
      if (isRunning(c)) return false;
      if (!canStart(c)) throw conflict(`container ${c.id} is marked for removal and cannot be started`);
      await this.launch(c, options.signal);
      return true;
    });
  }

  /** Starts the process; on failure records the error (exit 127/126 as Docker) and rethrows. Caller holds the lock. */
  private async launch(c: ContainerRecord, signal?: AbortSignal): Promise<void> {
    const paths = this.deps.files.paths(c.id);
    try {
      const rootfs = await this.deps.snapshots.mounts(c.snapshotKey);
      const net = this.deps.networks ? await this.deps.networks.setUp(c, { signal }) : {};
      const beforeStart = (): Promise<void> => this.attachments.connectPending(c.id);
      const joins = namespaceJoins(this.store, c);
      const { pid } = await this.deps.runtime.run({ record: c, paths, rootfs, mounts: await this.mountsFor(c, signal), ...net, ...joins }, { signal, beforeStart });
      c.state = { ...c.state, status: 'running', pid, exitCode: 0, error: '', startedAt: this.clock.timestamp(), oomKilled: false, health: probeSpec(c.config) ? startingHealth(c.state.health) : undefined };
      c.manuallyStopped = false;
      this.store.update(c);
      this.publish(c, 'start');
      this.supervisor.launched(c);
      this.watchExit(c.id);
      this.health?.watch(c);
    } catch (err) {
      const message = (err as Error).message;
      this.attachments.failPending(c.id, err);
      const exitCode = startExitCode(err);
      c.state = { ...c.state, status: c.state.status === 'restarting' ? 'exited' : c.state.status, pid: 0, exitCode, error: message, finishedAt: c.state.status === 'restarting' ? this.clock.timestamp() : c.state.finishedAt };
      this.store.update(c);
      await this.deps.runtime.delete(c.id).catch(() => undefined);
      await this.deps.volumes?.releaseFor(c.id, c.mounts);
      await this.deps.networks?.tearDown(c).catch((e: unknown) => this.deps.logger.warn({ err: e, container: c.id }, 'network cleanup failed'));
      this.publish(c, 'die', { exitCode: String(exitCode) });
      this.waiters.exited(c.id, exitCode);
      this.supervisor.startFailed(c);
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

  private watchExit(id: string): void {
    if (this.exitHandled.has(id)) return;
    const handled = this.deps.runtime.waitExit(id).then(
      (exit) => this.locks.run(id, () => this.recordExit(id, exit)),
      (err: unknown) => this.deps.logger.error({ err, container: id }, 'waiting for exit failed'),
    );
    // Not tracked as background work: a live container's watch outlives the daemon's shutdown by design.
    const settled = handled.finally(() => this.exitHandled.delete(id));
    this.exitHandled.set(id, settled);
  }

  /** Records an exit, then lets the supervisor apply AutoRemove or the restart policy. Caller holds the lock. */
  private async recordExit(id: string, exit: ExitInfo): Promise<void> {
    const c = this.store.get(id);
    if (!c) return;
    this.health?.unwatch(id);
    c.state = { ...c.state, status: 'exited', pid: 0, exitCode: exit.exitCode, oomKilled: exit.oomKilled, finishedAt: exit.finishedAt || this.clock.timestamp() };
    if (c.state.health) c.state.health = stoppedHealth(c.state.health);
    this.store.update(c);
    await this.deps.runtime.delete(id).catch((err: unknown) => this.deps.logger.warn({ err, container: id }, 'runtime cleanup failed'));
    await this.deps.volumes?.releaseFor(id, c.mounts);
    await this.deps.networks?.tearDown(c).catch((err: unknown) => this.deps.logger.warn({ err, container: id }, 'network cleanup failed'));
    if (exit.oomKilled) this.publish(c, 'oom');
    this.publish(c, 'die', { exitCode: String(exit.exitCode) });
    this.waiters.exited(id, exit.exitCode);

    if (this.closed) return;
    this.supervisor.exited(c, exit.exitCode);
    if (c.state.status === 'restarting') this.store.update(c);
  }

  async stop(ref: string, options: { timeoutSeconds?: number; signal?: string }): Promise<boolean> {
    const { id } = resolveContainer(this.store, ref);
    const signal = options.signal ? this.deps.runtime.parseSignal(options.signal) : undefined;
    return this.locks.run(id, async () => {
      const c = resolveContainer(this.store, id);
      c.manuallyStopped = true;
      if (this.supervisor.cancel(c)) {
        this.store.update(c);
        return true;
      }
      this.store.update(c);
      if (!isRunning(c)) return false;
      await this.stopProcess(c, signal, options.timeoutSeconds);
      return true;
    }).then(async (stopped) => {
      await this.exitHandled.get(id);
      if (stopped) {
        const c = this.store.get(id);
        if (c) this.publish(c, 'stop');
      }
      return stopped;
    });
  }

  /** Signal, wait up to the timeout, then SIGKILL. Waits for the exit outside the lock so it can be recorded. */
  private async stopProcess(c: ContainerRecord, signal: number | undefined, timeoutSeconds: number | undefined): Promise<void> {
    const sig = signal ?? this.deps.runtime.parseSignal(c.config.StopSignal || 'SIGTERM');
    const timeout = timeoutSeconds ?? c.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
    const exited = this.deps.runtime.waitExit(c.id);
    if (timeout !== 0) {
      await this.deps.runtime.kill(c.id, sig).catch(() => undefined);
      if (c.state.status === 'paused') await this.deps.runtime.resume(c.id).catch(() => undefined);
      if (timeout < 0) {
        await exited;
        return;
      }
      let timer: TimerId | undefined;
      const timedOut = new Promise<false>((r) => (timer = this.clock.setTimeout(() => r(false), timeout * 1000)));
      const done = await Promise.race([exited.then(() => true), timedOut]);
      this.clock.clearTimeout(timer);
      if (done) return;
    }
    await this.deps.runtime.kill(c.id, SIGKILL).catch(() => undefined);
    if (c.state.status === 'paused') await this.deps.runtime.resume(c.id).catch(() => undefined);
    await exited;
  }

  async restart(ref: string, options: { timeoutSeconds?: number; signal?: string }): Promise<void> {
    const { id } = resolveContainer(this.store, ref);
    await this.stop(id, options);
    await this.locks.run(id, async () => {
      const c = resolveContainer(this.store, id);
      if (!isRunning(c)) await this.launch(c);
      this.publish(c, 'restart');
    });
  }

  async kill(ref: string, signalName: string | undefined): Promise<void> {
    const { id } = resolveContainer(this.store, ref);
    const signal = this.deps.runtime.parseSignal(signalName || 'SIGKILL');
    await this.locks.run(id, async () => {
      const c = resolveContainer(this.store, id);
      assertRunning(c);
      await this.deps.runtime.kill(id, signal);
      this.publish(c, 'kill', { signal: String(signal) });
    });
    if (signal === SIGKILL) await this.exitHandled.get(id);
  }

  wait(ref: string, condition: WaitCondition, options: { signal?: AbortSignal } = {}): { ready: Promise<void>; result: Promise<ContainerWaitResponse> } {
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

  async remove(ref: string, options: { force: boolean; volumes: boolean }): Promise<void> {
    const { id } = resolveContainer(this.store, ref);
    await this.locks.run(id, async () => {
      const c = resolveContainer(this.store, id);
      assertRemovable(c, options.force);
      this.supervisor.cancel(c);
      if (isRunning(c)) {
        c.manuallyStopped = true;
        this.store.update(c);
        await this.deps.runtime.kill(id, SIGKILL).catch(() => undefined);
        if (c.state.status === 'paused') await this.deps.runtime.resume(id).catch(() => undefined);
        const exit = await this.deps.runtime.waitExit(id);
        c.state = { ...c.state, status: 'exited', pid: 0, exitCode: exit.exitCode, finishedAt: exit.finishedAt };
      }
      c.state.status = 'removing';
      this.store.update(c);
      await this.destroy(c);
      if (options.volumes) await this.deps.volumes?.removeAnonymous(c.mounts);
    });
  }

  /** Removes every trace of a container. Caller holds the lock. Idempotent, so a crash midway can be finished. */
  private async destroy(c: ContainerRecord): Promise<void> {
    this.health?.unwatch(c.id);
    await this.deps.runtime.delete(c.id);
    await this.deps.snapshots.remove(c.snapshotKey).catch((err: unknown) => (isKind(err, 'NotFound') ? undefined : Promise.reject(err)));
    await this.deps.files.remove(c.id);
    await this.deps.networks?.forget(c);
    this.store.delete(c.id);
    this.supervisor.forget(c.id);
    this.attachments.failPending(c.id, notFound(`No such container: ${c.id}`));
    this.publish(c, 'destroy');
    this.waiters.removed(c.id, c.state.exitCode);
  }

  async list(options: ListOptions): Promise<ContainerView[]> {
    const keep = buildListFilter(options.filters, {
      imageIdsFor: (ref) => this.deps.images.idsFor(ref),
      lookup: (ref) => resolveContainer(this.store, ref),
    });
    const all = options.all || (options.limit !== undefined && options.limit > 0) || options.filters.has('status') || options.filters.has('exited');
    let records = this.store.list().filter((c) => (all || isRunning(c)) && keep(c));
    if (options.limit !== undefined && options.limit > 0) records = records.slice(0, options.limit);
    return Promise.all(records.map(async (record) => ({ ...this.netView(record), ...(options.size ? { size: await this.sizes(record) } : {}) })));
  }

  async inspect(ref: string, options: { size: boolean }): Promise<ContainerView> {
    const record = resolveContainer(this.store, ref);
    return { ...this.netView(record), ...(options.size ? { size: await this.sizes(record) } : {}) };
  }

  private netView(record: ContainerRecord): ContainerView {
    const n = this.deps.networks;
    return n ? { record, network: n.settings(record), ports: n.ports(record) } : { record };
  }

  private async sizes(c: ContainerRecord): Promise<{ rw: number; rootFs: number }> {
    try {
      const rw = (await this.deps.snapshots.usage(c.snapshotKey)).size;
      const info = await this.deps.snapshots.stat(c.snapshotKey);
      let rootFs = rw;
      for (let parent = info.parent; parent; parent = (await this.deps.snapshots.stat(parent)).parent) rootFs += (await this.deps.snapshots.usage(parent)).size;
      return { rw, rootFs };
    } catch {
      return { rw: 0, rootFs: 0 };
    }
  }

  async logs(ref: string, options: LogOptions): Promise<{ tty: boolean; entries: AsyncIterable<LogEntry> }> {
    const c = resolveContainer(this.store, ref);
    checkLogsReadable(c.hostConfig.LogConfig?.Type);
    if (!options.follow || !isRunning(c)) return { tty: c.config.Tty ?? false, entries: this.deps.runtime.logs(c, { ...options, follow: false }) };
    // Follow until the container stops: then the reader drains what is left and ends.
    const stop = new AbortController();
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    void this.waiters.add(c.id, 'exit', stop.signal).then(() => stop.abort());
    return { tty: c.config.Tty ?? false, entries: this.deps.runtime.logs(c, { ...options, follow: true, signal: stop.signal }) };
  }

  async attachOutput(ref: string, options: { stdout: boolean; stderr: boolean; logs: boolean; stream: boolean; signal?: AbortSignal }): Promise<{ tty: boolean; entries: AsyncIterable<LogEntry> }> {
    const c = resolveContainer(this.store, ref);
    const stop = new AbortController();
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    if (!options.stream) stop.abort();
    else void this.waiters.add(c.id, 'exit', stop.signal).then(() => stop.abort());
    // The none driver keeps no logs to replay (its file is only attach's buffer).
    const since = options.logs && c.hostConfig.LogConfig?.Type !== 'none' ? 0n : nowNano();
    return {
      tty: c.config.Tty ?? false,
      entries: this.deps.runtime.logs(c, { stdout: options.stdout, stderr: options.stderr, follow: options.stream, sinceNano: since, untilNano: undefined, tail: undefined, signal: stop.signal }),
    };
  }

  /**
   * The container's stdio, stdin included (OpenStdin containers). `connect` settles at once for a running container,
   * else at its next start; the caller can answer its client before that.
   */
  attachStdio(ref: string, options: { signal?: AbortSignal } = {}): { tty: boolean; connect: Promise<StdioStream> } | undefined {
    const c = resolveContainer(this.store, ref);
    if (!c.config.OpenStdin) return undefined;
    const connect = isRunning(c) && c.state.status !== 'restarting' ? this.deps.runtime.attach(c.id, options) : this.attachments.waitForStart(c.id, options.signal);
    connect.catch(() => undefined);
    return { tty: c.config.Tty ?? false, connect };
  }

  async resize(ref: string, size: ConsoleSize): Promise<void> {
    const c = resolveContainer(this.store, ref);
    if (c.state.status !== 'running' && c.state.status !== 'paused') throw conflict(`Container ${c.id} is not running`);
    if (!c.config.Tty) return;
    await this.deps.runtime.resize(c.id, size);
  }

  async rename(ref: string, newName: string): Promise<void> {
    const c = resolveContainer(this.store, ref);
    const name = normalizeContainerName(newName);
    if (name === c.name) throw invalidArgument('Renaming a container with the same name as its current name');
    this.store.rename(c.id, name);
    this.publish({ ...c, name }, 'rename', { oldName: `/${c.name}` });
  }

  async prune(filters: Map<string, string[]>): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    checkFilterKeys(filters, CONTAINER_PRUNE_FILTERS);
    const until = pruneUntilNano(filters);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const c of this.store.list()) {
      if (isRunning(c) || !matchLabels(filters, c.config.Labels) || createdAfter(c.created, until)) continue;
      const size = (await this.sizes(c)).rw;
      try {
        await this.remove(c.id, { force: false, volumes: false });
        deleted.push(c.id);
        reclaimed += size;
      } catch (err) {
        this.deps.logger.warn({ err, container: c.id }, 'prune could not remove container');
      }
    }
    return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
  }

  counts(): { containersRunning: number; containersPaused: number; containersStopped: number } {
    const all = this.store.list();
    const paused = all.filter((c) => c.state.status === 'paused').length;
    const running = all.filter((c) => c.state.status === 'running' || c.state.status === 'restarting').length;
    return { containersRunning: running, containersPaused: paused, containersStopped: all.length - running - paused };
  }

  /** After a daemon (re)start: re-attach to live containers, record exits that happened while down, finish removals. */
  async restore(): Promise<void> {
    for (const c of this.store.list()) {
      await this.locks.run(c.id, async () => {
        if (c.state.status === 'removing') return this.destroy(c);
        if (!isRunning(c)) {
          if (this.supervisor.startsAtDaemonStart(c)) {
            await this.launch(c).catch((err: unknown) => this.deps.logger.warn({ err, container: c.id }, 'start at restore failed'));
          }
          return;
        }
        const { status, pid } = await this.deps.runtime.status(c.id);
        if (status === 'running' || status === 'paused') {
          if (c.state.status === 'restarting') c.state.status = status;
          c.state = { ...c.state, status, pid };
          this.store.update(c);
          this.supervisor.launched(c);
          this.watchExit(c.id);
          this.health?.watch(c);
        } else if (c.state.status === 'restarting') {
          c.state.status = 'exited';
          this.store.update(c);
          if (!c.manuallyStopped) await this.launch(c).catch(() => undefined);
        } else {
          this.watchExit(c.id);
        }
      });
    }
  }

  /** Containers using an image, for image removal and prune. */
  usersOf(imageId: string): { id: string; running: boolean }[] {
    return this.store.list().filter((c) => c.imageId === imageId).map((c) => ({ id: c.id, running: isRunning(c) }));
  }

  /** Containers with their mounts, so the volume service knows which volumes are in use. */
  volumeUsers(): { id: string; running: boolean; mounts: ContainerRecord['mounts'] }[] {
    return this.store.list().map((c) => ({ id: c.id, running: isRunning(c), mounts: c.mounts }));
  }

  containersPerImage(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const c of this.store.list()) counts.set(c.imageId, (counts.get(c.imageId) ?? 0) + 1);
    return counts;
  }

  /** Snapshot keys that belong to containers, so the snapshotter's start-up cleanup keeps them. */
  snapshotKeys(): Set<string> {
    return new Set(this.store.list().map((c) => c.snapshotKey));
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
