// RuntimePort on runc, each container under its own conmon (see conmon-process.ts): conmon runs `runc create`,
// holds stdio, writes the k8s-file log and records the exit code (128+N for signal N) in the exit dir; the
// daemon runs `runc start`. Containers live on when the daemon stops; a new driver instance picks them up
// (waitExit reads exits that happened meanwhile, and restarts log rotation).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { access, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { formatTimeNano } from '../../lib/time.js';
import { failedPrecondition, internal, invalidArgument, notFound } from '../../core/errdefs.js';
import { ContainerStartError } from '../../core/runtime/start-error.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ConsoleSize, ExecProcess, ExecRequest, ExitInfo, IoOptions, LogEntry, LogReadOptions, ResourceUpdate, RunOptions, RunRequest, RuntimePort, RuntimeStatsSample, RuntimeStatus, StdioStream } from '../../core/runtime/runtime.js';
import type { HostRuntimeFacts } from '../../core/runtime/oci-spec.js';
import { parseSignal } from '../../core/runtime/signals.js';
import { conmonSizeCap, logPolicy, type LogPolicy } from '../../core/runtime/log-policy.js';
import { NONE_LOG_POLICY } from '../../core/runtime/log-drivers.js';
import type { OciState } from '../../spec/oci/runtime-spec.js';
import { ExitFiles } from './exit-files.js';
import { readK8sLog, touch } from './k8s-log.js';
import { mountRootfs, readInRoot, unmountRootfs, writeBundle } from './bundle.js';
import { connectAttachSocket } from './attach-socket.js';
import { requestResize } from './conmon-ctl.js';
import { startConmonExec } from './conmon-exec.js';
import { execProcess } from '../../core/runtime/exec-process.js';
import { resolveUser } from '../../core/runtime/user.js';
import { effectiveCapabilities } from '../../core/runtime/capabilities.js';
import type { OciRuntimeSpec } from '../../spec/oci/runtime-spec.js';
import { ConmonStartError, startConmon } from './conmon-process.js';
import { LogRotator } from './log-rotator.js';
import { wasOomKilled } from './oom.js';
import { completeHostFacts } from './host-facts.js';
import { CgroupTree } from './cgroup-tree.js';
import { runcUpdateArgs } from './runc-update.js';

const run = promisify(execFile);

export const conmonRuntimeConfigSchema = z
  .object({
    /** Runtime state: per-container conmon files, exit files, runc's state root, attach sockets. */
    stateRoot: z.string().min(1),
    runcPath: z.string().min(1),
    conmonPath: z.string().min(1),
    /** More OCI runtimes with runc's command line (daemon.json `runtimes`): name -> binary and global arguments. */
    runtimes: z.record(z.string(), z.object({ path: z.string().min(1), runtimeArgs: z.array(z.string()).optional() }).strict()).default({}),
    /** The runtime of containers whose HostConfig.Runtime is empty: "runc" or a name in `runtimes`. */
    defaultRuntime: z.string().default('runc'),
    /** catatonit or tini, bound in as /sbin/docker-init for --init. */
    initPath: z.string().optional(),
    /** Rotation when --log-opt does not say: rotate at logSizeMax bytes, keep logMaxFile files. */
    logSizeMax: z.number().int().positive().default(20 * 1024 * 1024),
    logMaxFile: z.number().int().positive().default(5),
  })
  .strict();

export type ConmonRuntimeConfig = z.input<typeof conmonRuntimeConfigSchema>;

/** What a later driver instance needs to know about a container it did not start. */
interface ContainerMeta {
  bundleDir: string;
  rootfs: string;
  logPath: string;
  cgroupsPath: string;
  policy: LogPolicy;
  /** The OCI runtime this container runs under (absent in state written before runtimes: runc). */
  runtime?: RuntimeBinary;
}

interface RuntimeBinary {
  path: string;
  args: string[];
}

const isMountPoint = (path: string): Promise<boolean> =>
  readFile('/proc/self/mountinfo', 'utf8').then((t) => t.split('\n').some((l) => l.split(' ')[4] === path), () => false);

const isMissing = (msg: string): boolean => /does not exist|not found|no such file/i.test(msg);

export class ConmonRuntime implements RuntimePort {
  private readonly config: z.output<typeof conmonRuntimeConfigSchema>;
  private readonly exits: ExitFiles;
  private readonly rotators = new Map<string, LogRotator>();
  private host: HostRuntimeFacts;
  private readonly cgroups: CgroupTree;

  constructor(config: ConmonRuntimeConfig, host: HostRuntimeFacts, private readonly logger: Logger) {
    this.host = host;
    this.cgroups = new CgroupTree(host.cgroupVersion);
    this.config = conmonRuntimeConfigSchema.parse(config);
    this.exits = new ExitFiles(join(this.config.stateRoot, 'exits'));
  }

  async init(): Promise<void> {
    await mkdir(join(this.config.stateRoot, 'containers'), { recursive: true, mode: 0o700 });
    await mkdir(join(this.config.stateRoot, 'sockets'), { recursive: true, mode: 0o700 });
    await this.exits.init();
    this.host = await completeHostFacts(this.host);
  }

  /** Stops watching; containers and their monitors go on. */
  close(): void {
    this.exits.close();
    for (const r of this.rotators.values()) r.stop();
    this.rotators.clear();
  }

  private dir(id: string): string {
    return join(this.config.stateRoot, 'containers', id);
  }

  /** The binary and global arguments of a runtime name ("" for the default). */
  private runtimeNamed(name: string | undefined): RuntimeBinary {
    const wanted = name || this.config.defaultRuntime;
    if (wanted === 'runc') return { path: this.config.runcPath, args: [] };
    const r = this.config.runtimes[wanted];
    if (!r) throw invalidArgument(`Unknown runtime specified ${wanted}`);
    return { path: r.path, args: r.runtimeArgs ?? [] };
  }

  /** Which runtime a container runs under: remembered at run(), read back from its meta.json after a restart. */
  private readonly runtimeOf = new Map<string, RuntimeBinary>();

  private async binaryFor(id: string): Promise<RuntimeBinary> {
    const known = this.runtimeOf.get(id);
    if (known) return known;
    const fromMeta = (await this.meta(id))?.runtime ?? { path: this.config.runcPath, args: [] };
    this.runtimeOf.set(id, fromMeta);
    return fromMeta;
  }

  /** `<runtime> --root <state> [its args] <args...>` for container `id`. */
  private async runc(id: string, args: string[], options: IoOptions = {}): Promise<{ stdout: string; stderr: string }> {
    const bin = await this.binaryFor(id);
    return run(bin.path, ['--root', join(this.config.stateRoot, 'runc'), ...bin.args, ...args], { maxBuffer: 16 * 1024 * 1024, signal: options.signal });
  }

  parseSignal(signal: string): number {
    return parseSignal(signal);
  }

  async run(request: RunRequest, options: RunOptions = {}): Promise<{ pid: number }> {
    const { record: c, paths } = request;
    const dir = this.dir(c.id);
    const policy = c.hostConfig.LogConfig?.Type === 'none' ? NONE_LOG_POLICY : logPolicy(c.hostConfig.LogConfig?.Config, { maxSize: this.config.logSizeMax, maxFile: this.config.logMaxFile });
    if (c.hostConfig.Init && !this.config.initPath) throw failedPrecondition('--init needs catatonit or tini on the host (apt-get install catatonit)');
    // Leftovers of an earlier run of this container (skipped when there are none: it costs a runc call).
    if (await this.hasState(c.id)) await this.delete(c.id);
    await this.exits.remove(c.id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const rootfs = join(paths.bundleDir, 'rootfs');
    // Written before anything is mounted, so a delete after a crash at any later point finds what to undo.
    const runtime = this.runtimeNamed(c.hostConfig.Runtime);
    this.runtimeOf.set(c.id, runtime);
    const meta: ContainerMeta = { bundleDir: paths.bundleDir, rootfs, logPath: c.logPath, cgroupsPath: '', policy, runtime };
    await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
    try {
      await mountRootfs(request.rootfs, rootfs, options);
      const spec = await writeBundle(request, rootfs, this.host, this.config.initPath, await this.ipcShm(c, request.ipcDonor));
      meta.cgroupsPath = spec.linux.cgroupsPath ?? '';
      await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
      await touch(c.logPath);
      const pid = await startConmon(
        {
          conmonPath: this.config.conmonPath, runcPath: runtime.path, runtimeArgs: runtime.args, runcRoot: join(this.config.stateRoot, 'runc'),
          id: c.id, name: c.name, bundleDir: paths.bundleDir, stateDir: dir, exitDir: this.exits.dir,
          socketDir: join(this.config.stateRoot, 'sockets'), logPath: c.logPath, logSizeMax: conmonSizeCap(policy),
          tty: c.config.Tty ?? false, openStdin: c.config.OpenStdin ?? false, stdinOnce: c.config.StdinOnce ?? false,
        },
        options,
      ).catch((err: unknown) => {
        throw err instanceof ConmonStartError ? startError(err.message) : err;
      });
      if (options.beforeStart) await options.beforeStart();
      await this.runc(c.id, ['start', c.id]).catch((err: { stderr?: string }) => {
        throw startError(String(err.stderr ?? err));
      });
      this.watchLog(c.id, meta);
      return { pid };
    } catch (err) {
      await this.delete(c.id).catch(() => undefined);
      throw err;
    }
  }

  /**
   * /dev/shm that other containers can share: a shareable container's tmpfs is mounted on the host side (in its
   * state dir) and bound in, so an IpcMode container:<id> joiner can bind the same one (a mount inside another
   * mount namespace cannot be bound across).
   */
  private async ipcShm(c: ContainerRecord, donor: string | undefined): Promise<string | undefined> {
    if (donor) {
      const path = join(this.dir(donor), 'shm');
      if (!(await isMountPoint(path))) throw failedPrecondition(`IpcMode container:${donor}: the donor's /dev/shm is not shareable (restart it with IpcMode shareable)`);
      return path;
    }
    if (c.hostConfig.IpcMode !== 'shareable') return undefined;
    const path = join(this.dir(c.id), 'shm');
    await mkdir(path, { recursive: true, mode: 0o700 });
    const size = c.hostConfig.ShmSize && c.hostConfig.ShmSize > 0 ? c.hostConfig.ShmSize : 64 * 1024 * 1024;
    if (!(await isMountPoint(path))) await run('mount', ['-t', 'tmpfs', '-o', `nosuid,nodev,noexec,mode=1777,size=${size}`, 'shm', path]);
    return path;
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

  private async hasState(id: string): Promise<boolean> {
    const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);
    return (await exists(this.dir(id))) || (await exists(join(this.config.stateRoot, 'runc', id)));
  }

  private async meta(id: string): Promise<ContainerMeta | undefined> {
    return readFile(join(this.dir(id), 'meta.json'), 'utf8').then((t) => JSON.parse(t) as ContainerMeta, () => undefined);
  }

  async kill(id: string, signal: number, options: IoOptions = {}): Promise<void> {
    try {
      await this.runc(id, ['kill', id, String(signal)], options);
    } catch (err) {
      const msg = String((err as { stderr?: string }).stderr ?? err);
      if (/not running|process already finished|container not running/i.test(msg)) throw failedPrecondition(`container ${id} is not running`);
      if (isMissing(msg)) throw notFound(`No such container: ${id}`);
      throw internal(`kill failed: ${msg.trim()}`);
    }
  }

  async pause(id: string, options: IoOptions = {}): Promise<void> {
    await this.runc(id, ['pause', id], options).catch((err: { stderr?: string }) => {
      throw failedPrecondition(`cannot pause container ${id}: ${String(err.stderr ?? err).trim()}`);
    });
  }

  async resume(id: string, options: IoOptions = {}): Promise<void> {
    await this.runc(id, ['resume', id], options).catch((err: { stderr?: string }) => {
      throw failedPrecondition(`cannot unpause container ${id}: ${String(err.stderr ?? err).trim()}`);
    });
  }

  async status(id: string, options: IoOptions = {}): Promise<{ status: RuntimeStatus; pid: number }> {
    try {
      const { stdout } = await this.runc(id, ['state', id], options);
      const state = JSON.parse(stdout) as OciState;
      const status: RuntimeStatus = state.status === 'running' ? 'running' : state.status === 'paused' ? 'paused' : 'stopped';
      return { status, pid: state.pid ?? 0 };
    } catch {
      return { status: 'absent', pid: 0 };
    }
  }

  async list(_options: IoOptions = {}): Promise<string[]> {
    return readdir(join(this.config.stateRoot, 'containers')).catch(() => []);
  }

  async waitExit(id: string, options: IoOptions = {}): Promise<ExitInfo> {
    const meta = await this.meta(id);
    // Re-attach after a daemon restart: keep rotating the log of a container that still runs.
    if (meta && !this.rotators.has(id) && (await this.conmonAlive(id))) this.watchLog(id, meta);
    const record = await this.exits.wait(id, async () => !(await this.conmonAlive(id)) && (await this.status(id)).status !== 'running', options);
    this.stopWatchingLog(id);
    const oomKilled = await wasOomKilled(this.dir(id), meta?.cgroupsPath, this.cgroups);
    return { exitCode: record.exitCode, oomKilled, finishedAt: formatTimeNano(BigInt(Math.floor(record.finishedAtMs * 1_000_000))) };
  }

  private async conmonPid(id: string): Promise<number | undefined> {
    const pid = Number.parseInt(await readFile(join(this.dir(id), 'conmon.pid'), 'utf8').catch(() => ''), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  private async conmonAlive(id: string): Promise<boolean> {
    const pid = await this.conmonPid(id);
    if (!pid) return false;
    try {
      process.kill(pid, 0);
      // A recycled pid is not our conmon.
      return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(id);
    } catch {
      return false;
    }
  }

  async delete(id: string, _options: IoOptions = {}): Promise<void> {
    this.stopWatchingLog(id);
    const meta = await this.meta(id);
    await this.runc(id, ['delete', '--force', id]).catch(() => undefined);
    if (await this.conmonAlive(id)) {
      const pid = await this.conmonPid(id);
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    if (meta?.cgroupsPath) await this.cgroups.remove(meta.cgroupsPath);
    if (meta) await unmountRootfs(meta.rootfs);
    await unmountRootfs(join(this.dir(id), 'shm'));
    await rm(join(this.config.stateRoot, 'sockets', id), { recursive: true, force: true });
    // A pending waiter still reads the code from the exit file; otherwise it goes with the container.
    if (!this.exits.watched(id)) await this.exits.remove(id);
    await rm(this.dir(id), { recursive: true, force: true });
    this.runtimeOf.delete(id);
    this.logger.debug({ container: id }, 'runtime state removed');
  }

  private async runningMeta(id: string): Promise<ContainerMeta> {
    const meta = await this.meta(id);
    if (!meta || !(await this.conmonAlive(id))) throw failedPrecondition(`container ${id} is not running`);
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
    if (!/^[0-9a-f]{8,64}$/.test(request.execId)) throw invalidArgument(`invalid exec id ${request.execId}`);
    const spec = JSON.parse(await readFile(join(meta.bundleDir, 'config.json'), 'utf8')) as OciRuntimeSpec;
    let user;
    if (request.user) {
      const [passwd, group] = await Promise.all([readInRoot(meta.rootfs, '/etc/passwd'), readInRoot(meta.rootfs, '/etc/group')]);
      user = resolveUser(request.user, passwd, group);
    }
    const allCaps = effectiveCapabilities([], [], true, this.host.capabilities);
    const execDir = join(this.dir(id), 'execs', request.execId);
    await mkdir(execDir, { recursive: true, mode: 0o700 });
    const processSpecPath = join(execDir, 'process.json');
    await writeFile(processSpecPath, JSON.stringify(execProcess(spec.process, request, user, allCaps)));
    try {
      const proc = await startConmonExec(
        {
          conmonPath: this.config.conmonPath, runcPath: (await this.binaryFor(id)).path, runtimeArgs: (await this.binaryFor(id)).args, runcRoot: join(this.config.stateRoot, 'runc'),
          containerId: id, execId: request.execId, execDir, processSpecPath, tty: request.tty, stdin: request.stdin,
        },
        options,
      );
      // The exec's state goes once its code is known.
      const exit = proc.exit.finally(() => rm(execDir, { recursive: true, force: true }));
      return { ...proc, exit };
    } catch (err) {
      await rm(execDir, { recursive: true, force: true });
      throw err;
    }
  }

  logs(record: ContainerRecord, options: LogReadOptions): AsyncIterable<LogEntry> {
    return readK8sLog(record.logPath, options);
  }

  private async cgroupsPath(id: string): Promise<string> {
    const path = (await this.meta(id))?.cgroupsPath;
    if (!path) throw failedPrecondition(`container ${id} is not running`);
    return path;
  }

  async pids(id: string, _options: IoOptions = {}): Promise<number[]> {
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
    await this.runc(id, ['update', ...args, id], options).catch((err: { stderr?: string }) => {
      throw invalidArgument(`Cannot update container ${id}: ${String(err.stderr ?? err).trim()}`);
    });
  }

  async freezerState(id: string, _options: IoOptions = {}): Promise<string> {
    return this.cgroups.freezerState(await this.cgroupsPath(id));
  }
}

/** runc's own wording is kept in the message; what it means is read here, once, into a typed start error. */
export function startError(message: string): ContainerStartError {
  const clean = message.trim().replace(/\s+/g, ' ');
  const failure = /executable file not found|no such file or directory/i.test(clean)
    ? 'not-found'
    : /permission denied|is a directory/i.test(clean)
      ? 'cannot-run'
      : /exec format error/i.test(clean)
        ? 'bad-executable'
        : 'other';
  return new ContainerStartError(failure, `failed to create task for container: ${clean}: unknown`);
}
