// RuntimePort on runc, each container under its own conmon (see conmon-process.ts): conmon runs `runc create`,
// holds stdio, writes the k8s-file log and records the exit code (128+N for signal N) in the exit dir; the
// daemon starts the created container through runc's exec fifo as `runc start` would (exec-fifo-start.ts).
// Containers live on when the daemon stops; a new driver instance picks them up (waitExit reads exits that
// happened meanwhile, and restarts log rotation). Beside it: runtime-config.ts (the
// config, runtimes by name), container-state.ts (meta.json, conmon's pid), runc-commands.ts (runc's command
// line and its refusals as error kinds), runc-start-error.ts, ipc-shm.ts and exec-in-container.ts.
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { endingChild } from '../../lib/child-exit.js';
import type { Logger } from '../../lib/logger.js';
import { formatTimeNano } from '../../lib/time.js';
import { failedPrecondition } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type {
  ConsoleSize,
  ExecProcess,
  ExecRequest,
  ExitInfo,
  IoOptions,
  LogEntry,
  LogReadOptions,
  ResourceUpdate,
  RunOptions,
  RunRequest,
  RuntimePort,
  RuntimeStatsSample,
  RuntimeStatus,
  StdioStream,
} from '../../core/runtime/runtime.js';
import type { HostRuntimeFacts } from '../../core/runtime/oci-spec.js';
import { parseSignal } from '../../core/runtime/signals.js';
import { conmonSizeCap, logPolicy } from '../../core/runtime/log-policy.js';
import { NONE_LOG_POLICY } from '../../core/runtime/log-drivers.js';
import { ExitFiles } from './exit-files.js';
import { readK8sLog, touch } from './k8s-log.js';
import { mountRootfs, unmountRootfs, writeBundle } from './bundle.js';
import { connectAttachSocket } from './attach-socket.js';
import { requestResize } from './conmon-ctl.js';
import { ConmonStartError, startConmon } from './conmon-process.js';
import { LogRotator, requestLogReopen, settleLogAtExit } from './log-rotator.js';
import { fileCreated } from './file-created.js';
import { wasOomKilled } from './oom.js';
import { completeHostFacts } from './host-facts.js';
import { pidNamespaceMembers } from './pid-namespace-members.js';
import { CgroupTree } from './cgroup-tree.js';
import { runcUpdateArgs } from './runc-update.js';
import {
  conmonRuntimeConfigSchema,
  runtimeNamed,
  type ConmonRuntimeConfig,
  type ParsedRuntimeConfig,
  type RuntimeBinary,
} from './runtime-config.js';
import { ContainerStateDirs, type ContainerMeta } from './container-state.js';
import { RuncCommands } from './runc-commands.js';
import { startError } from './runc-start-error.js';
import { ipcShm } from './ipc-shm.js';
import { execInContainer } from './exec-in-container.js';
import { phase } from '../../lib/phases.js';
import { startForeground } from './foreground-run.js';
import { startThroughExecFifo } from './exec-fifo-start.js';
import { deleteStoppedContainer } from './stopped-delete.js';

/** `promise`, or a rejection once `signal` aborts (the promise itself goes on). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Prefix of a state dir set aside for removal (never a container id: ids are hex). */
const SET_ASIDE = '.removed-';
/** Set-aside state dirs go while a start waits on `runc create`, or at the latest this long after the first waits. */
const SWEEP_AT_LATEST_MS = 2000;

/** Where a test can hold a start: its state dir made and rootfs mounted, conmon (and runc create) not begun. */
export type RunPausePoint = 'start-rootfs-mounted';

export class ConmonRuntime implements RuntimePort {
  private readonly config: ParsedRuntimeConfig;
  private readonly exits: ExitFiles;
  private readonly rotators = new Map<string, LogRotator>();
  private host: HostRuntimeFacts;
  private readonly cgroups: CgroupTree;
  private readonly states: ContainerStateDirs;
  private readonly runc: RuncCommands;
  /** State dirs set aside and not yet removed (path -> container id), and the timer that removes them at the latest. */
  private readonly setAside = new Map<string, string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  /**
   * Containers whose last delete removed all of their runtime state, exit file and sockets dir included: only a run
   * makes those again, so a delete before the next run has nothing to do (AutoRemove's removal right after the
   * exit's delete). In memory: after a daemon restart such a delete checks again.
   */
  private readonly cleaned = new Set<string>();
  /** Containers run by `runc run` as the daemon's children (RunOptions.foreground): their exit codes to come. */
  private readonly foreground = new Map<string, { exit: Promise<number>; ended: boolean }>();

  constructor(
    config: ConmonRuntimeConfig,
    host: HostRuntimeFacts,
    private readonly logger: Logger,
    /** Test-only hold (daemon/test-pause-point.ts): a start held with its rootfs mounted, before conmon. */
    private readonly pausePoint?: (point: RunPausePoint) => Promise<void>,
  ) {
    this.host = host;
    this.cgroups = new CgroupTree(host.cgroupVersion);
    this.config = conmonRuntimeConfigSchema.parse(config);
    this.exits = new ExitFiles(join(this.config.stateRoot, 'exits'));
    this.states = new ContainerStateDirs(this.config.stateRoot);
    this.runc = new RuncCommands(this.config.stateRoot, this.config.runcPath, this.states);
  }

  async init(): Promise<void> {
    await mkdir(join(this.config.stateRoot, 'containers'), { recursive: true, mode: 0o700 });
    // State dirs a delete set aside and a stop or crash left before they were removed.
    for (const name of await readdir(join(this.config.stateRoot, 'containers')))
      if (name.startsWith(SET_ASIDE))
        await rm(join(this.config.stateRoot, 'containers', name), { recursive: true, force: true });
    await mkdir(join(this.config.stateRoot, 'sockets'), { recursive: true, mode: 0o700 });
    await this.exits.init();
    this.host = await completeHostFacts(this.host);
  }

  /** Stops watching; containers and their monitors go on. */
  close(): void {
    this.sweepSetAside();
    this.exits.close();
    for (const r of this.rotators.values()) r.stop();
    this.rotators.clear();
  }

  parseSignal(signal: string): number {
    return parseSignal(signal);
  }

  async run(request: RunRequest, options: RunOptions = {}): Promise<{ pid: number }> {
    const { record: c, paths } = request;
    const dir = this.states.dir(c.id);
    const policy =
      c.hostConfig.LogConfig?.Type === 'none'
        ? NONE_LOG_POLICY
        : logPolicy(c.hostConfig.LogConfig?.Config, {
            maxSize: this.config.logSizeMax,
            maxFile: this.config.logMaxFile,
          });
    if (c.hostConfig.Init && !this.config.initPath)
      throw failedPrecondition('--init needs catatonit or tini on the host (apt-get install catatonit)');
    // Leftovers of an earlier run of this container (skipped when there are none: it costs a runc call).
    if (await this.states.hasState(c.id)) await this.delete(c.id);
    await this.exits.remove(c.id);
    // Nothing remembered of an earlier run of this id holds for this one.
    this.forget(c.id);
    this.cleaned.delete(c.id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const rootfs = join(paths.bundleDir, 'rootfs');
    // Written before anything is mounted, so a delete after a crash at any later point finds what to undo.
    const runtime = runtimeNamed(this.config, c.hostConfig.Runtime);
    const meta: ContainerMeta = {
      bundleDir: paths.bundleDir,
      rootfs,
      logPath: c.logPath,
      cgroupsPath: '',
      policy,
      runtime,
    };
    await this.states.writeMeta(c.id, meta);
    phase('runtime-state');
    try {
      // The rootfs and a shareable /dev/shm (a pod sandbox's) are independent mounts, each a `mount` process:
      // made side by side, and both settled before anything goes on (or delete undoes them).
      const [mounted, shm] = await Promise.allSettled([
        mountRootfs(request.rootfs, rootfs, options),
        ipcShm((id) => this.states.dir(id), c, request.ipcDonor),
      ]);
      if (mounted.status === 'rejected') throw mounted.reason;
      if (shm.status === 'rejected') throw shm.reason;
      phase('rootfs-mount');
      const spec = await writeBundle(request, rootfs, this.host, this.config.initPath, shm.value);
      meta.cgroupsPath = spec.linux.cgroupsPath ?? '';
      await this.states.writeMeta(c.id, meta);
      await touch(c.logPath);
      phase('bundle');
      await this.pausePoint?.('start-rootfs-mounted');
      if (options.foreground) {
        if (options.beforeStart) await options.beforeStart();
        const run = await startForeground(
          {
            runcPath: runtime.path,
            runtimeArgs: runtime.args,
            runcRoot: this.runc.root,
            id: c.id,
            bundleDir: paths.bundleDir,
            stateDir: dir,
            logPath: c.logPath,
          },
          options.signal,
        );
        const entry = { exit: run.exit, ended: false };
        // The exit file too, so hasExited and a waiter after a daemon restart read the code as for conmon's.
        entry.exit = run.exit.then(async (code) => {
          await this.exits.record(c.id, code);
          entry.ended = true;
          return code;
        });
        this.foreground.set(c.id, entry);
        phase('runc-run');
        return { pid: run.pid };
      }
      const pid = await startConmon(
        {
          conmonPath: this.config.conmonPath,
          runcPath: runtime.path,
          runtimeArgs: runtime.args,
          runcRoot: this.runc.root,
          id: c.id,
          name: c.name,
          bundleDir: paths.bundleDir,
          stateDir: dir,
          exitDir: this.exits.dir,
          socketDir: join(this.config.stateRoot, 'sockets'),
          logPath: c.logPath,
          logSizeMax: conmonSizeCap(policy),
          tty: c.config.Tty ?? false,
          openStdin: c.config.OpenStdin ?? false,
          stdinOnce: c.config.StdinOnce ?? false,
        },
        // conmon runs `runc create` now (tens of ms, the daemon idle meanwhile): the set-aside dirs go then.
        { ...options, onLaunched: () => this.sweepSetAside() },
      ).catch((err: unknown) => {
        throw err instanceof ConmonStartError ? startError(err.message) : err;
      });
      phase('conmon-runc-create');
      if (options.beforeStart) await options.beforeStart();
      phase('attach');
      await this.startCreated(c.id, pid, runtime);
      phase('start');
      this.watchLog(c.id, meta);
      return { pid };
    } catch (err) {
      await this.delete(c.id).catch(() => undefined);
      throw err;
    }
  }

  /**
   * `runc start`: for berth's own runc, done through the exec fifo in the daemon (exec-fifo-start.ts); a runtime a
   * user configured (`--add-runtime`, `Runtime`) is asked itself, whatever its start does, as is runc without a fifo.
   */
  private async startCreated(id: string, pid: number, runtime: RuntimeBinary): Promise<void> {
    const through = this.runc.isOwn(runtime)
      ? await startThroughExecFifo(this.runc.root, id, pid).catch((err: unknown) => {
          throw startError(err instanceof Error ? err.message : String(err));
        })
      : 'no-fifo';
    if (through === 'started') return;
    await this.runc.run(id, ['start', id]).catch((err: { stderr?: string }) => {
      throw startError(String(err.stderr ?? err));
    });
  }

  private watchLog(id: string, meta: ContainerMeta): void {
    if (this.rotators.has(id)) return;
    const rotator = new LogRotator(meta.logPath, meta.bundleDir, meta.policy, this.logger);
    this.rotators.set(id, rotator);
    rotator.start();
  }

  private stopWatchingLog(id: string): void {
    this.rotators.get(id)?.stop();
    this.rotators.delete(id);
  }

  kill(id: string, signal: number, options: IoOptions = {}): Promise<void> {
    return this.runc.kill(id, signal, options);
  }

  pause(id: string, options: IoOptions = {}): Promise<void> {
    // Pausing freezes the container's cgroup: one without a cgroup of its own (rootless) cannot be paused, which runc
    // says as "cannot toggle freezer: cgroups not configured for container".
    if (this.host.cgroupsUnavailable)
      return Promise.reject(
        failedPrecondition(
          `cannot pause container ${id}: it has no cgroup of its own to freeze (berthd runs rootless without a delegated cgroup)`,
        ),
      );
    return this.runc.pause(id, options);
  }

  resume(id: string, options: IoOptions = {}): Promise<void> {
    return this.runc.resume(id, options);
  }

  status(id: string, options: IoOptions = {}): Promise<{ status: RuntimeStatus; pid: number }> {
    return this.runc.status(id, options);
  }

  async list(_options: IoOptions = {}): Promise<string[]> {
    const names = await readdir(join(this.config.stateRoot, 'containers')).catch(() => [] as string[]);
    return names.filter((n) => !n.startsWith(SET_ASIDE));
  }

  async waitExit(id: string, options: IoOptions = {}): Promise<ExitInfo> {
    const meta = await this.states.meta(id);
    const foreground = this.foreground.get(id);
    if (foreground) {
      const exitCode = await abortable(foreground.exit, options.signal);
      return {
        exitCode,
        oomKilled: await wasOomKilled(this.states.dir(id), meta?.cgroupsPath, this.cgroups),
        finishedAt: formatTimeNano(BigInt(Date.now()) * 1_000_000n),
      };
    }
    // Re-attach after a daemon restart: keep rotating the log of a container that still runs.
    if (meta && !this.rotators.has(id) && (await this.states.conmonAlive(id))) this.watchLog(id, meta);
    const monitorAlive = await this.states.conmonProbe(id);
    const conmonPid = await this.states.conmonPid(id);
    const record = await this.exits.wait(
      id,
      // conmon writes the exit file before it ends: one found now needs no `runc state` to tell the container ended.
      async () =>
        !(await this.states.conmonAlive(id)) &&
        ((await this.exits.read(id)) !== undefined || (await this.status(id)).status !== 'running'),
      { ...options, ...(monitorAlive ? { monitorAlive } : {}) },
    );
    // The container ended: its conmon, the daemon's child when this daemon started it, ends now and is reaped then
    // (the pid of the run waited for, read before the wait: a restart may have begun the next run since).
    if (conmonPid) endingChild(conmonPid);
    // The log's rotation as dockerd's would have left it (a burst can end the run far past max-size).
    const rotator = this.rotators.get(id);
    this.rotators.delete(id);
    rotator?.ended();
    if (meta)
      await settleLogAtExit(meta.logPath, meta.policy).catch((err: unknown) =>
        this.logger.warn({ err, container: id }, 'settling the log at exit failed'),
      );
    const oomKilled = await wasOomKilled(this.states.dir(id), meta?.cgroupsPath, this.cgroups);
    return {
      exitCode: record.exitCode,
      oomKilled,
      finishedAt: formatTimeNano(BigInt(Math.floor(record.finishedAtMs * 1_000_000))),
    };
  }

  async hasExited(id: string, _options: IoOptions = {}): Promise<boolean> {
    return (await this.exits.read(id)) !== undefined;
  }

  async delete(id: string, _options: IoOptions = {}): Promise<void> {
    this.stopWatchingLog(id);
    // Never run (or already cleaned): no state dir and no runc state, so nothing is mounted or running. The
    // state dir is made before anything else at run, so this holds after a crash at any point; it spares a
    // `runc delete` process per container when many created ones are removed (rm -f, prune).
    const hasState = await this.states.hasState(id);
    if (!hasState) {
      if (this.cleaned.delete(id)) return this.forget(id);
      await rm(join(this.config.stateRoot, 'sockets', id), { recursive: true, force: true });
      if (!this.exits.watched(id)) await this.exits.remove(id);
      this.forget(id);
      return;
    }
    const meta = await this.states.meta(id);
    // A foreground run that ended took its runc state with it: no `runc delete` process is needed.
    const foreground = this.foreground.get(id);
    this.foreground.delete(id);
    // runc's own removal of the cgroups is checked in the daemon's delete; after `runc delete` what a lingering
    // process kept is removed below.
    const inDaemon = !foreground?.ended && (await this.runcDelete(id, meta)) === 'in-daemon';
    phase('runc-delete');
    await foreground?.exit;
    const conmon = await this.states.aliveConmonPid(id);
    if (conmon) {
      try {
        process.kill(conmon, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    // Reaped if it is this daemon's child (alive or a zombie already).
    const conmonChild = await this.states.conmonPid(id);
    if (conmonChild) endingChild(conmonChild);
    // Independent steps, side by side; the state dir goes last: while it is there a later delete finds work to do.
    const exitFileGoes = !this.exits.watched(id);
    await Promise.all([
      meta?.cgroupsPath && !inDaemon ? this.cgroups.remove(meta.cgroupsPath) : undefined,
      // The rootfs and a shareable /dev/shm: one read of the mount table for both.
      unmountRootfs(...(meta ? [meta.rootfs] : []), join(this.states.dir(id), 'shm')),
      rm(join(this.config.stateRoot, 'sockets', id), { recursive: true, force: true }),
      // A pending waiter still reads the code from the exit file; otherwise it goes with the container.
      exitFileGoes ? this.exits.remove(id) : undefined,
    ]);
    phase('unmount');
    await this.removeStateDir(id);
    this.forget(id);
    if (exitFileGoes) this.cleaned.add(id);
    this.logger.debug({ container: id }, 'runtime state removed');
  }

  /**
   * A state dir (berth's, or runc's in the in-daemon runc delete) goes in one step: renamed aside into berth's state
   * root (its name is what a later delete, hasState and runc itself look for). Its removal (a recursive rm: a
   * thread-pool round trip and a callback on the event loop per entry, ~1 ms of the loop) is left for later, off the
   * way from an exit to the wait's answer: to the next start's wait on `runc create`, or SWEEP_AT_LATEST_MS; one a
   * stop or crash left is removed at init.
   */
  private async removeStateDir(id: string, dir = this.states.dir(id)): Promise<void> {
    const aside = join(this.config.stateRoot, 'containers', `${SET_ASIDE}${id}-${randomBytes(4).toString('hex')}`);
    try {
      await rename(dir, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      // Another filesystem (EXDEV) or any other refusal: removed in place, as before.
      await rm(dir, { recursive: true, force: true });
      return;
    }
    this.setAside.set(aside, id);
    this.sweepTimer ??= setTimeout(() => this.sweepSetAside(), SWEEP_AT_LATEST_MS).unref();
  }

  /** Removes the set-aside state dirs, without the caller waiting. */
  private sweepSetAside(): void {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const [aside, id] of this.setAside)
      void rm(aside, { recursive: true, force: true }).catch((err: unknown) =>
        this.logger.warn({ err, container: id }, 'removing a set-aside state dir failed'),
      );
    this.setAside.clear();
  }

  /** What the driver remembers of a container whose state is gone. */
  private forget(id: string): void {
    this.states.forget(id);
  }

  /** runc's delete: in the daemon for a stopped container of berth's own runc (stopped-delete.ts), else `runc delete --force`. */
  private async runcDelete(id: string, meta: ContainerMeta | undefined): Promise<'in-daemon' | 'runc'> {
    const ownRunc = !meta?.runtime || this.runc.isOwn(meta.runtime);
    if (
      ownRunc &&
      (await deleteStoppedContainer(this.runc.root, id, (dir) => this.removeStateDir(id, dir)).catch(
        () => 'needs-runc',
      )) === 'deleted'
    )
      return 'in-daemon';
    await this.runc.run(id, ['delete', '--force', id]).catch(() => undefined);
    return 'runc';
  }

  private async runningMeta(id: string): Promise<ContainerMeta> {
    const meta = await this.states.meta(id);
    if (!meta || !(await this.states.conmonAlive(id))) throw failedPrecondition(`container ${id} is not running`);
    return meta;
  }

  async attach(id: string, options: IoOptions = {}): Promise<StdioStream> {
    const meta = await this.runningMeta(id);
    return connectAttachSocket(meta.bundleDir, options).catch((err: unknown) => {
      throw failedPrecondition(`cannot attach to container ${id}: ${(err as Error).message}`);
    });
  }

  async resize(id: string, size: ConsoleSize, _options: IoOptions = {}): Promise<void> {
    const meta = await this.runningMeta(id);
    await requestResize(meta.bundleDir, size);
  }

  async exec(id: string, request: ExecRequest, options: IoOptions = {}): Promise<ExecProcess> {
    const meta = await this.runningMeta(id);
    const env = {
      conmonPath: this.config.conmonPath,
      runcRoot: this.runc.root,
      hostCapabilities: this.host.capabilities,
    };
    const processSpec = await this.states.processSpec(id, meta);
    return execInContainer(
      env,
      { id, meta, process: processSpec, dir: this.states.dir(id), runtime: await this.runc.binaryFor(id) },
      request,
      options,
    );
  }

  logs(record: ContainerRecord, options: LogReadOptions): AsyncIterable<LogEntry> {
    return readK8sLog(record.logPath, options);
  }

  private async cgroupsPath(id: string): Promise<string> {
    const path = (await this.states.meta(id))?.cgroupsPath;
    if (!path) throw failedPrecondition(`container ${id} is not running`);
    return path;
  }

  async pids(id: string, options: IoOptions = {}): Promise<number[]> {
    if (this.host.cgroupsUnavailable) {
      const { status, pid } = await this.status(id, options);
      if (status !== 'running' && status !== 'paused') throw failedPrecondition(`container ${id} is not running`);
      return pidNamespaceMembers(pid);
    }
    return this.cgroups.pids(await this.cgroupsPath(id));
  }

  async stats(id: string, options: IoOptions = {}): Promise<RuntimeStatsSample> {
    const path = await this.cgroupsPath(id);
    const { pid } = await this.status(id, options);
    return this.cgroups.sample(path, pid);
  }

  async update(id: string, resources: ResourceUpdate, options: IoOptions = {}): Promise<void> {
    const args = runcUpdateArgs(resources);
    if (args.length === 0) return;
    await this.runc.update(id, args, options);
  }

  async freezerState(id: string, _options: IoOptions = {}): Promise<string> {
    return this.cgroups.freezerState(await this.cgroupsPath(id));
  }

  async reopenLog(id: string, _options: IoOptions = {}): Promise<void> {
    const meta = await this.states.meta(id);
    if (!meta) throw failedPrecondition(`container ${id} is not running`);
    // conmon reopens when it reads the FIFO: the caller is answered once the new file is there (as containerd,
    // which writes its logs itself, answers after reopening).
    const created = fileCreated(meta.logPath, 5000);
    if (!(await requestLogReopen(meta.bundleDir))) {
      created.cancel();
      throw failedPrecondition(`container ${id} is not running`);
    }
    await created.done;
  }
}
