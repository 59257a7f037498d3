// A container's process run by `runc run` as a child of the daemon, without conmon: for short-lived processes the
// daemon waits for anyway (a build's RUN steps, as BuildKit's runc executor runs them). One runc process creates
// and starts the container, waits for it, hands its output over pipes (written here to the container's k8s-file
// log, as conmon would), removes its own state when the process ends and exits with the process's code (128+N
// for signal N). That spares conmon, the separate `runc start` and `runc delete` processes and the exit file
// round trip. What it gives up against conmon: the process does not outlive the daemon, has no stdin, no TTY and
// no attach socket. The spec, and so the isolation (namespaces, cgroup, mounts, capabilities), is the same.
// runc is launched without a fork of the daemon (watched-runc.ts).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { nowRfc3339Nano } from '../../lib/time.js';
import { launchWatchedRunc } from './watched-runc.js';
import { startError } from './runc-start-error.js';

export interface ForegroundRunOptions {
  runcPath: string;
  runcRoot: string;
  /** The runtime's own global arguments (daemon.json runtimeArgs), after --root. */
  runtimeArgs?: string[];
  id: string;
  bundleDir: string;
  /** The container's state dir: runc's pid file and log. */
  stateDir: string;
  logPath: string;
}

export interface ForegroundRun {
  pid: number;
  /** The exit code, once the process ended and all its output is in the log. */
  exit: Promise<number>;
}

/** k8s-file lines of one chunk of output: whole lines `F`, a trailing piece without its newline `P`. */
function logLines(stream: 'stdout' | 'stderr', data: Buffer): string {
  const time = nowRfc3339Nano();
  const parts = data.toString('utf8').split('\n');
  const last = parts.pop() as string;
  const lines = parts.map((p) => `${time} ${stream} F ${p}\n`);
  if (last !== '') lines.push(`${time} ${stream} P ${last}\n`);
  return lines.join('');
}

/** Resolves once the process runs (runc wrote its pid file); rejects with runc's message when it never started. */
export async function startForeground(o: ForegroundRunOptions, signal?: AbortSignal): Promise<ForegroundRun> {
  signal?.throwIfAborted();
  const log = createWriteStream(o.logPath, { flags: 'a' });
  let runc;
  try {
    runc = await launchWatchedRunc(
      {
        ...o,
        dir: o.stateDir,
        command: ['run', '--bundle', o.bundleDir],
        containerId: o.id,
        // A process group, not a session: runc in a session of its own is a scheduler autogroup of its own, which a
        // loaded machine served late (a build RUN's runc took 15-20 ms longer to reach its process than dockerd's
        // BuildKit runc, which stays in the daemon's session; runc alone in a new session 1.17x the wall, n=30).
        processGroup: true,
        failure: startError,
        output: (stream, data) => log.write(logLines(stream, data)),
      },
      signal,
    );
  } catch (err) {
    log.end();
    throw err;
  }
  const exit = runc.closed.then(async (c) => {
    log.end();
    await once(log, 'close').catch(() => undefined);
    return c ?? 255;
  });
  try {
    return { pid: await runc.started, exit };
  } catch (err) {
    await exit;
    throw err;
  }
}
