// RuntimePort on runc, each container under its own conmon: conmon runs `runc create`, reports the pid over
// the sync pipe, holds stdio and writes the log, and records the exit code in the exit dir, so containers
// live on when the daemon stops and a new daemon can pick them up.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { formatTimeNano } from '../../lib/time.js';
import { resolveInRoot } from '../../lib/fs/in-root.js';
import { failedPrecondition, internal, invalidArgument } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ExitInfo, LogEntry, LogReadOptions, RunRequest, RuntimePort, RuntimeStatus } from '../../core/runtime/runtime.js';
import { buildOciSpec, type HostRuntimeFacts } from '../../core/runtime/oci-spec.js';
import { parseSignal } from '../../core/runtime/signals.js';
import { resolveUser } from '../../core/runtime/user.js';
import type { Mount } from '../../core/snapshots/snapshotter.js';
import { ExitFiles } from './exit-files.js';
import { readK8sLog, touch } from './k8s-log.js';

const run = promisify(execFile);

export const conmonRuntimeConfigSchema = z
  .object({
    /** Runtime state: per-container conmon files, exit files, runc's state root. */
    stateRoot: z.string().min(1),
    runcPath: z.string().min(1),
    conmonPath: z.string().min(1),
    initPath: z.string().optional(),
    /** Default log size cap (bytes) when --log-opt max-size is not given. */
    logSizeMax: z.number().int().positive().default(20 * 1024 * 1024),
  })
  .strict();

export type ConmonRuntimeConfig = z.input<typeof conmonRuntimeConfigSchema>;

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined) throw invalidArgument(`invalid log max-size: ${value}`);
  return Math.floor(Number(m[1]) * unit);
}

export class ConmonRuntime implements RuntimePort {
  private readonly config: z.output<typeof conmonRuntimeConfigSchema>;
  private readonly exits: ExitFiles;

  constructor(config: ConmonRuntimeConfig, private readonly host: HostRuntimeFacts, private readonly logger: Logger) {
    this.config = conmonRuntimeConfigSchema.parse(config);
    this.exits = new ExitFiles(join(this.config.stateRoot, 'exits'));
  }

  async init(): Promise<void> {
    await mkdir(join(this.config.stateRoot, 'containers'), { recursive: true, mode: 0o700 });
    await this.exits.init();
  }

  close(): void {
    this.exits.close();
  }

  private dir(id: string): string {
    return join(this.config.stateRoot, 'containers', id);
  }

  private runc(args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run(this.config.runcPath, ['--root', join(this.config.stateRoot, 'runc'), ...args], { maxBuffer: 16 * 1024 * 1024 });
  }

  parseSignal(signal: string): number {
    return parseSignal(signal);
  }

  async run(request: RunRequest, options: { signal?: AbortSignal } = {}): Promise<{ pid: number }> {
    const { record: c, paths } = request;
    const dir = this.dir(c.id);
    await rm(join(this.exits.dir, c.id), { force: true });
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const rootfs = join(paths.bundleDir, 'rootfs');
    await mkdir(rootfs, { recursive: true });
    await this.mountRootfs(request.rootfs, rootfs);
    await writeFile(join(dir, 'rootfs-path'), rootfs);
    try {
      const [passwd, group] = await Promise.all([
        resolveInRoot(rootfs, '/etc/passwd').then((p) => readFile(p, 'utf8')).catch(() => ''),
        resolveInRoot(rootfs, '/etc/group').then((p) => readFile(p, 'utf8')).catch(() => ''),
      ]);
      const user = resolveUser(c.config.User ?? '', passwd, group);
      if (c.config.WorkingDir) await mkdir(await resolveInRoot(rootfs, c.config.WorkingDir), { recursive: true });
      for (const m of request.mounts) if (m.type === 'bind') await mkdir(m.source, { recursive: true }).catch(() => undefined);
      const spec = buildOciSpec({
        record: c,
        mounts: request.mounts,
        etc: { hosts: paths.hostsPath, hostname: paths.hostnamePath, resolvConf: paths.resolvConfPath },
        user,
        host: this.host,
        initPath: c.hostConfig.Init ? this.config.initPath : undefined,
        rootfsPath: rootfs,
        cgroupsPath: `/berth/${c.id}`,
      });
      if (c.hostConfig.Init && !this.config.initPath) throw failedPrecondition('--init needs catatonit or tini on the host (apt-get install catatonit)');
      await writeFile(join(paths.bundleDir, 'config.json'), JSON.stringify(spec));
      await touch(c.logPath);
      const pid = await this.startConmon(c, paths.bundleDir, options.signal);
      await this.runc(['start', c.id]);
      return { pid };
    } catch (err) {
      await this.delete(c.id).catch(() => undefined);
      throw err;
    }
  }

  private async mountRootfs(mounts: Mount[], target: string): Promise<void> {
    await run('umount', [target]).catch(() => undefined);
    for (const m of mounts) {
      if (m.type === 'bind') await run('mount', ['--bind', m.source, target]);
      else await run('mount', ['-t', 'overlay', 'overlay', '-o', m.options.join(','), target]);
    }
  }

  /** Spawns conmon detached; resolves with the container pid it reports over the sync pipe. */
  private async startConmon(c: ContainerRecord, bundle: string, signal?: AbortSignal): Promise<number> {
    const dir = this.dir(c.id);
    const logOpts = c.hostConfig.LogConfig?.Config ?? {};
    const maxSize = logOpts['max-size'] ? parseSize(logOpts['max-size']) : this.config.logSizeMax;
    const args = [
      '--api-version', '1',
      '-c', c.id, '-u', c.id, '-n', c.name,
      '-r', this.config.runcPath, '--runtime-arg', '--root', '--runtime-arg', join(this.config.stateRoot, 'runc'),
      '-b', bundle,
      '-p', join(dir, 'pidfile'), '-P', join(dir, 'conmon.pid'),
      '-l', `k8s-file:${c.logPath}`, '--log-size-max', String(maxSize),
      '--exit-dir', this.exits.dir, '--persist-dir', dir,
      '--socket-dir-path', join(this.config.stateRoot, 'sockets'),
      '--full-attach',
      '--log-level', 'error',
      ...(c.config.Tty ? ['-t'] : []),
      ...(c.config.OpenStdin ? ['-i'] : []),
    ];
    await mkdir(join(this.config.stateRoot, 'sockets'), { recursive: true });
    const child = spawn(this.config.conmonPath, args, {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, _OCI_SYNCPIPE: '3' },
      signal,
    });
    child.unref();
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const sync = child.stdio[3] as NodeJS.ReadableStream;
    let text = '';
    for await (const chunk of sync) {
      text += String(chunk);
      const msg = /\{[^}]*\}/.exec(text)?.[0];
      if (!msg) continue;
      (sync as unknown as { destroy(): void }).destroy();
      const parsed = JSON.parse(msg) as { data?: number; pid?: number; message?: string };
      const pid = parsed.data ?? parsed.pid ?? -1;
      if (pid > 0) return pid;
      throw this.startError(parsed.message ?? stderr);
    }
    throw this.startError(stderr || (await this.runtimeLog(c.id)) || 'conmon exited without reporting the container');
  }

  private async runtimeLog(id: string): Promise<string> {
    return readFile(join(this.dir(id), 'exit'), 'utf8').catch(() => '');
  }

  /** runc's own wording is kept: clients map "not found" to 127 and "permission denied" to 126. */
  private startError(message: string): Error {
    const clean = message.trim().replace(/\s+/g, ' ');
    if (/executable file not found|no such file or directory|permission denied|is a directory/i.test(clean)) return invalidArgument(`failed to create task for container: ${clean}`);
    return internal(`failed to create task for container: ${clean}`);
  }

  async kill(id: string, signal: number): Promise<void> {
    try {
      await this.runc(['kill', id, String(signal)]);
    } catch (err) {
      const msg = String((err as { stderr?: string }).stderr ?? err);
      if (/not running|does not exist|process already finished/i.test(msg)) throw failedPrecondition(`container ${id} is not running`);
      throw internal(`kill failed: ${msg.trim()}`);
    }
  }

  async pause(id: string): Promise<void> {
    await this.runc(['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.runc(['resume', id]);
  }

  async status(id: string): Promise<{ status: RuntimeStatus; pid: number }> {
    try {
      const { stdout } = await this.runc(['state', id]);
      const state = JSON.parse(stdout) as { status: string; pid: number };
      const status: RuntimeStatus = state.status === 'running' ? 'running' : state.status === 'paused' ? 'paused' : 'stopped';
      return { status, pid: state.pid };
    } catch {
      return { status: 'absent', pid: 0 };
    }
  }

  async waitExit(id: string): Promise<ExitInfo> {
    const record = await this.exits.wait(id, async () => !(await this.conmonAlive(id)) && (await this.status(id)).status !== 'running');
    const oomKilled = await readFile(join(this.dir(id), 'oom'), 'utf8').then(() => true, () => false);
    return { exitCode: record.exitCode, oomKilled, finishedAt: formatTimeNano(BigInt(Math.floor(record.finishedAtMs * 1_000_000))) };
  }

  private async conmonAlive(id: string): Promise<boolean> {
    const pid = Number.parseInt(await readFile(join(this.dir(id), 'conmon.pid'), 'utf8').catch(() => ''), 10);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  async delete(id: string): Promise<void> {
    await this.runc(['delete', '--force', id]).catch(() => undefined);
    const pid = Number.parseInt(await readFile(join(this.dir(id), 'conmon.pid'), 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    const bundleRootfs = await readFile(join(this.dir(id), 'rootfs-path'), 'utf8').catch(() => undefined);
    if (bundleRootfs) await run('umount', [bundleRootfs]).catch(() => undefined);
    // The exit file stays until the next run: late waiters still read the code from it.
    await rm(this.dir(id), { recursive: true, force: true });
    this.logger.debug({ container: id }, 'runtime state removed');
  }

  logs(record: ContainerRecord, options: LogReadOptions): AsyncIterable<LogEntry> {
    return readK8sLog(record.logPath, options);
  }
}
