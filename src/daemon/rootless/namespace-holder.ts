// The namespaces a rootless berthd runs in outlive it, so its containers (and their exec, logs, published ports)
// survive a berthd that dies, as rootful live restore does. rootlesskit (user, mount and network namespaces,
// slirp4netns, the port driver) is started detached with a holder that only waits (`sleep infinity`) as its
// child; every berthd, the first and each after a restart, enters the holder's namespaces with nsenter.
// $XDG_RUNTIME_DIR/berth-rootlesskit/child_pid (written by rootlesskit) names the holder, api.sock its port driver.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  mkdirSync,
  watch,
} from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { RootlessPaths } from './paths.js';

/** rootlesskit's flags (as Docker's dockerd-rootless.sh gives them) and the command it runs as its child. */
export function rootlesskitArgs(paths: RootlessPaths, network: 'slirp4netns' | 'pasta', command: string[]): string[] {
  return [
    `--state-dir=${paths.rootlesskitStateDir}`,
    `--net=${network}`,
    '--mtu=65520',
    // The host's loopback (10.0.2.2) is not reachable from the namespace: a container cannot reach services
    // the host binds on 127.0.0.1 (Docker's dockerd-rootless.sh sets the same by default).
    '--disable-host-loopback',
    // The port driver in rootlesskit's own process: no extra process per port, but the source address is lost.
    '--port-driver=builtin',
    '--copy-up=/etc',
    '--copy-up=/run',
    // Mounts made on the host (a new USB disk, a bind) still show inside, where the host's / is a shared mount
    // (systemd's); on a private / rootlesskit 1.1 warns in its log and keeps the namespace's mounts private.
    '--propagation=rslave',
    ...command,
  ];
}

const READY_TIMEOUT_MS = 60_000;

const readOr = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const statusField = (pid: number, field: string): string | undefined =>
  new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readOr(`/proc/${pid}/status`) ?? '')?.[1];

const nsOf = (pid: number | 'self', ns: string): string | undefined => {
  try {
    return readlinkSync(`/proc/${pid}/ns/${ns}`);
  } catch {
    return undefined;
  }
};

/** The pid rootlesskit names as its child, if that process is ours, in a user namespace of its own, under
 *  a rootlesskit with our state dir (a recycled pid or a stale file names something else). */
export function liveHolder(stateDir: string): { pid: number; rootlesskitPid: number } | undefined {
  const pid = Number(readOr(join(stateDir, 'child_pid'))?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (Number(statusField(pid, 'Uid')) !== process.getuid?.()) return undefined;
  const userns = nsOf(pid, 'user');
  if (!userns || userns === nsOf('self', 'user')) return undefined;
  const rootlesskitPid = Number(statusField(pid, 'PPid'));
  const parentArgv = (readOr(`/proc/${rootlesskitPid}/cmdline`) ?? '').split('\0');
  if (!parentArgv[0]?.endsWith('rootlesskit') || !parentArgv.includes(`--state-dir=${stateDir}`)) return undefined;
  return { pid, rootlesskitPid };
}

/** Resolves once rootlesskit wrote its child's pid and listens on its API (the port driver), watching the dir. */
function whenReady(stateDir: string, exited: Promise<string>): Promise<void> {
  const ready = (): boolean => existsSync(join(stateDir, 'child_pid')) && existsSync(join(stateDir, 'api.sock'));
  return new Promise<void>((resolve, reject) => {
    const watcher = watch(stateDir, () => {
      if (ready()) done();
    });
    const timer = setTimeout(
      () => done(new Error(`rootlesskit did not get ready in ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    const done = (err?: Error): void => {
      watcher.close();
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    void exited.then((log) => done(new Error(`rootlesskit exited before it was ready:\n${log}`)));
    if (ready()) done();
  });
}

/**
 * Runs `fn` holding an exclusive lock on `lockPath`: util-linux's flock takes it on an open file description it
 * shares with this process, and exits; the lock stays until this process closes its descriptor (or dies, even by
 * kill -9, so a stale lock is never left). Node opens files close-on-exec: processes spawned meanwhile (rootlesskit)
 * do not inherit it.
 */
export async function withLock<T>(flock: string, lockPath: string, fn: () => Promise<T>): Promise<T> {
  const fd = openSync(lockPath, 'a', 0o600);
  try {
    const locker = spawn(flock, ['--exclusive', '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    locker.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const [code] = (await Promise.race([
      once(locker, 'exit'),
      once(locker, 'error').then(([err]) => Promise.reject(err as Error)),
    ])) as [number | null];
    if (code !== 0) throw new Error(`flock ${lockPath} failed (${code}): ${stderr.trim()}`);
    return await fn();
  } finally {
    closeSync(fd);
  }
}

/**
 * The holder's pid: an earlier one when it lives (waiting for it to be ready when it is still starting), else a
 * new rootlesskit started detached (its own session, so it outlives this berthd and the terminal it came from).
 * Berthds starting at the same instant take turns ($XDG_RUNTIME_DIR/berth-rootlesskit.lock): the first starts
 * rootlesskit and waits for it to be ready, the next finds it, so no second rootlesskit is left behind.
 */
export function ensureHolder(
  tools: { rootlesskit: string; flock: string },
  paths: RootlessPaths,
  network: 'slirp4netns' | 'pasta',
): Promise<number> {
  return withLock(tools.flock, `${paths.rootlesskitStateDir}.lock`, () =>
    findOrStartHolder(tools.rootlesskit, paths, network),
  );
}

async function findOrStartHolder(
  rootlesskit: string,
  paths: RootlessPaths,
  network: 'slirp4netns' | 'pasta',
): Promise<number> {
  const stateDir = paths.rootlesskitStateDir;
  const found = liveHolder(stateDir);
  if (found) {
    await whenReady(stateDir, new Promise<string>(() => undefined));
    return found.pid;
  }
  // What is left belongs to a dead unit (rootlesskit takes its lock in the dir again).
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const logPath = `${stateDir}.log`;
  const log = openSync(logPath, 'w', 0o600);
  const child = spawn(rootlesskit, rootlesskitArgs(paths, network, ['sleep', 'infinity']), {
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', () => resolve(readOr(logPath) ?? ''));
    child.once('error', (err) => resolve(err.message));
  });
  await whenReady(stateDir, exited);
  child.unref();
  const holder = liveHolder(stateDir);
  if (!holder) throw new Error(`rootlesskit started but ${join(stateDir, 'child_pid')} names no holder`);
  return holder.pid;
}

/** Whether anything but the holder itself (and its `sleep`) lives in its mount namespace: conmons, so containers. */
export function unitInUse(holderPid: number): boolean {
  const mnt = nsOf(holderPid, 'mnt');
  if (!mnt) return false;
  return readdirSync('/proc').some((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid || pid === holderPid) return false;
    if (Number(statusField(pid, 'PPid')) === holderPid) return false;
    return nsOf(pid, 'mnt') === mnt;
  });
}

/** Ends the unit (rootlesskit takes its child, the holder, and slirp4netns with it). */
export function stopUnit(stateDir: string): void {
  const holder = liveHolder(stateDir);
  if (holder) process.kill(holder.rootlesskitPid, 'SIGTERM');
}
