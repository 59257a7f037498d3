// Starts a real berthd on a temporary socket, data root and exec root, for end-to-end tests.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { once } from 'node:events';
import { request } from 'node:http';
import { reapAtExit, stopAtExit } from './teardown.js';
import { removeDaemonChains } from './host-chains.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const BERTHD = join(REPO_ROOT, 'bin/berthd');
export const BERTH = join(REPO_ROOT, 'bin/berth');

export const isRoot = (): boolean => process.getuid?.() === 0;

export interface TestDaemon {
  dir: string;
  socketPath: string;
  dataRoot: string;
  execRoot: string;
  /** DOCKER_HOST/BERTH_HOST pointing at this daemon, on top of process.env. */
  env: NodeJS.ProcessEnv;
  process: ChildProcess;
  /** Everything the daemon wrote to stderr so far. */
  logs(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit: the crash case. */
  kill9(): Promise<void>;
  /** Remove the containers still running, stop, remove rules a dead daemon left, then the temporary directory. */
  cleanup(): Promise<void>;
}

export interface StartOptions {
  /** Reuse the roots of an earlier daemon (restart after a crash). */
  dir?: string;
  /** Appended to the daemon's flags. Every test daemon blocks docker.io: tests never leave the machine. */
  extraArgs?: string[];
  /** The web dashboard's address (e.g. 127.0.0.1:0); off unless asked, as many daemons run at once. */
  dashboard?: string;
  /** Added to the daemon's environment (crash tests: BERTH_TEST_CRASH_AT, src/daemon/test-crash-point.ts). */
  env?: NodeJS.ProcessEnv;
}

/** Test daemons run side by side: unless a test asks for a bridge of its own, none (loopback-only as before). */
const bridgeArgs = (extra: string[]): string[] =>
  extra.some((a) => /^(-b|--bridge)(=|$)/.test(a)) ? [] : ['--bridge=none'];

export async function startDaemon(options: StartOptions = {}): Promise<TestDaemon> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  const socketPath = join(dir, 'berth.sock');
  const dataRoot = join(dir, 'root');
  const execRoot = join(dir, 'exec');
  const child = spawn(
    process.execPath,
    [
      BERTHD,
      '-H',
      `unix://${socketPath}`,
      '--data-root',
      dataRoot,
      '--exec-root',
      execRoot,
      '--pidfile',
      join(dir, 'berthd.pid'),
      '--log-level',
      'debug',
      '--blocked-registry',
      'docker.io',
      '--dashboard',
      options.dashboard ?? 'off',
      ...bridgeArgs(options.extraArgs ?? []),
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env } },
  );
  stopAtExit(child);
  const reaped = reapAtExit(() => reapLeftovers(dir, execRoot));
  let stderr = '';
  const keepLogs = process.env.BERTH_TEST_KEEP_LOGS;
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      // Hunting a flake: every daemon's log kept in that directory (one file per root; a restart appends), as the
      // temporary root and the in-memory copy go with the test.
      if (keepLogs) appendFileSync(join(keepLogs, `${basename(dir)}.log`), chunk);
      if (stderr.includes('"msg":"API listening"')) resolveReady();
    });
    child.once('exit', (code) => rejectReady(new Error(`berthd exited with ${code} before listening:\n${stderr}`)));
  });
  try {
    await ready;
  } catch (err) {
    // A daemon that refused to start (tests of bad flags) leaves no temporary root behind.
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
    reaped();
    throw err;
  }
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const daemon: TestDaemon = {
    dir,
    socketPath,
    dataRoot,
    execRoot,
    env: { ...process.env, DOCKER_HOST: `unix://${socketPath}`, BERTH_HOST: `unix://${socketPath}` },
    process: child,
    logs: () => stderr,
    async stop() {
      if (exited()) return child.exitCode;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await done) as [number | null];
      return code;
    },
    async kill9() {
      if (exited()) return;
      const done = once(child, 'exit');
      child.kill('SIGKILL');
      await done;
    },
    async cleanup() {
      // berthd keeps running containers and their rules when it stops (live restore): a test's daemon is never
      // started again, so what still runs is removed first, through the API, as a user would.
      if (!exited()) await withTimeout(removeRunningContainers(socketPath), 60_000).catch(() => undefined);
      await daemon.stop();
      if (isRoot()) removeDaemonChains(execRoot);
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
      reaped();
    },
  };
  return daemon;
}

async function removeRunningContainers(socketPath: string): Promise<void> {
  const listed = await apiRequest(socketPath, '/containers/json');
  if (listed.status !== 200) return;
  const running = JSON.parse(listed.body) as { Id: string }[];
  await Promise.all(
    running.map((c) => apiRequest(socketPath, `/containers/${c.Id}?force=1&v=1`, { method: 'DELETE' })),
  );
}

/** A daemon that hangs on a request still gets stopped: `promise` is given up on after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One Engine API request over a daemon's socket, straight (no CLI): the reply's status, headers and text. */
export function apiRequest(
  socketPath: string,
  path: string,
  options: { method?: string; json?: unknown } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = options.json === undefined ? {} : { 'Content-Type': 'application/json' };
    const req = request({ socketPath, path, method: options.method ?? 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.json === undefined ? undefined : JSON.stringify(options.json));
  });
}

/** One Engine API call with JSON both ways: `body` sent as JSON; the reply parsed when the daemon says it is JSON,
 * else {} (an empty reply, or the raw stream of an attached exec start, read to its end). */
export async function apiJson<T = Record<string, unknown>>(
  socketPath: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const r = await apiRequest(socketPath, path, { method, json: body });
  const isJson = String(r.headers['content-type'] ?? '').startsWith('application/json') && r.body.trim() !== '';
  return { status: r.status, json: (isJson ? JSON.parse(r.body) : {}) as T };
}

/** A test file ended before its daemon's cleanup (a timeout, a signal): its berthd got SIGTERM, but the containers
 * outlive it (conmon), each with its rootfs mounted below the temporary root, and would run on through the rest of
 * the suite. Synchronous, as it runs at the process's exit: runc deletes them (killing them; conmon then exits),
 * then what is mounted below the root is lazily unmounted and the root removed. */
function reapLeftovers(dir: string, execRoot: string): void {
  const runcRoot = join(execRoot, 'runtime', 'runc');
  if (existsSync(runcRoot))
    for (const id of execFileSync('runc', ['--root', runcRoot, 'list', '-q'], { encoding: 'utf8' }).split('\n'))
      if (id) execFileSync('runc', ['--root', runcRoot, 'delete', '-f', id], { stdio: 'ignore' });
  const mounted = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounted) execFileSync('umount', ['-l', point], { stdio: 'ignore' });
  if (isRoot()) removeDaemonChains(execRoot);
  rmSync(dir, { recursive: true, force: true });
}
