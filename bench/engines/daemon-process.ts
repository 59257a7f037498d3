// Starting a daemon process and waiting for its "listening" log line; stopping it and everything it left.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { exec } from '../lib/exec.js';
import { descendants, listProcesses } from '../lib/memory.js';

export interface StartedDaemon {
  child: ChildProcess;
  logFile: string;
}

export async function startDaemonProcess(
  command: string,
  args: string[],
  logFile: string,
  ready: RegExp,
  signal?: AbortSignal,
): Promise<StartedDaemon> {
  // Each daemon in a session of its own, as systemd starts one: with kernel.sched_autogroup_enabled a session is a
  // scheduler autogroup, and a daemon sharing the bench runner's would share its CPU share with every CLI the bench
  // runs. A Ctrl-C still stops it: the bench's cleanup (lib/cleanup.ts) stops each daemon it started.
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const log = createWriteStream(logFile);
  child.stderr!.pipe(log);
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      seen = (seen + chunk.toString('utf8')).slice(-64_000);
      if (ready.test(seen)) {
        child.stderr!.off('data', onData);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null): void =>
      reject(new Error(`${command} exited with ${code} before it was ready:\n${seen.slice(-2000)}`));
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
  return { child, logFile };
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Removes every container through the CLI (berth keeps containers running past its own exit). */
export async function removeAllContainers(env: NodeJS.ProcessEnv): Promise<void> {
  const list = await exec('docker', ['ps', '-aq', '--no-trunc'], { env, timeoutMs: 60_000 });
  const ids = list.code === 0 ? list.stdout.split('\n').filter(Boolean) : [];
  for (let i = 0; i < ids.length; i += 50)
    await exec('docker', ['rm', '-f', ...ids.slice(i, i + 50)], { env, timeoutMs: 120_000 });
}

/** Kills (by pid) processes whose command line names `workDir`, and their descendants (container processes). */
export async function killLeftovers(workDir: string): Promise<string[]> {
  const all = await listProcesses();
  const ours = all.filter((p) => p.pid !== process.pid && p.cmdline.includes(workDir));
  const victims = new Map<number, string>();
  for (const p of ours) {
    for (const d of descendants(all, p.pid)) victims.set(d.pid, d.comm);
    victims.set(p.pid, p.comm);
  }
  for (const pid of victims.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return [...victims.values()];
}

/** Unmounts everything mounted under `dir`, deepest first, then deletes it. */
export async function unmountAndRemove(dir: string): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`)))
    .map((p) => p.replace(/\\040/g, ' '))
    .sort((a, b) => b.length - a.length);
  for (const point of points) await exec('umount', ['-l', point]);
  if (existsSync(dir)) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
