// A `runc run` or `runc exec` child of the daemon whose start is watched through runc's pid file (runc-pid-file.ts),
// with pipes for the process's output: a build's RUN step (foreground-run.ts) and an exec without TTY or stdin
// (plain-exec.ts). runc waits for the process, forwards signals to it and exits with its code (128+N for signal N).
// runc is launched without a fork of the daemon (lib/launch-process.ts).
import { constants } from 'node:os';
import { launchProcess, type LaunchedProcess } from '../../lib/launch-process.js';
import { pidWhenStarted, watchRuncFiles } from './runc-pid-file.js';

export interface WatchedRuncOptions {
  runcPath: string;
  runcRoot: string;
  /** The runtime's own global arguments (daemon.json runtimeArgs), after --root. */
  runtimeArgs?: string[];
  /** Where runc writes its pid file and log: the container's state dir, or the exec's. */
  dir: string;
  /** runc's command and its options, e.g. ['exec', '--process', spec]; then --pid-file and the container id. */
  command: string[];
  containerId: string;
  /** Its own session and process group (a terminal's ^C to the daemon's group does not reach it). */
  detached?: boolean;
  /** Its own process group only, in the daemon's session (LaunchOptions.processGroup). */
  processGroup?: boolean;
  /** The error for a start that failed with runc's message. */
  failure: (message: string) => Error;
  /** Each chunk of the process's output as it comes. */
  output: (stream: 'stdout' | 'stderr', data: Buffer) => void;
}

export interface WatchedRunc {
  child: LaunchedProcess;
  /** runc's exit code once it ended (null when unknown). */
  exited: Promise<number | null>;
  /** The same, once its output pipes are drained too (no more output comes). */
  closed: Promise<number | null>;
  /** The process's pid once it runs; rejects with runc's message when it never started (runc is killed then). */
  started: Promise<number>;
}

/** Launches runc (a launch failure rejects); `started` tells when the process runs. `signal` kills runc. */
export async function launchWatchedRunc(o: WatchedRuncOptions, signal?: AbortSignal): Promise<WatchedRunc> {
  signal?.throwIfAborted();
  // Watching before the spawn: the pid file may appear (renamed into place) as soon as runc runs.
  const files = watchRuncFiles(o.dir);
  const { pidFile, logFile, watcher } = files;
  const args = ['--root', o.runcRoot, '--log', logFile, ...(o.runtimeArgs ?? []), ...o.command];
  let child: LaunchedProcess;
  try {
    child = await launchProcess(o.runcPath, [...args, '--pid-file', pidFile, o.containerId], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: o.detached,
      processGroup: o.processGroup,
    });
  } catch (err) {
    watcher.close();
    throw err;
  }
  // Aborted while runc was being launched: it goes at once (the listener below comes too late for it).
  if (signal?.aborted) child.kill('SIGKILL');
  child.stdout!.on('data', (d: Buffer) => o.output('stdout', d));
  child.stderr!.on('data', (d: Buffer) => o.output('stderr', d));
  const codeOf = (code: number | null, sig: NodeJS.Signals | null): number | null =>
    code ?? (sig ? 128 + constants.signals[sig] : null);
  const ended = (event: 'exit' | 'close'): Promise<number | null> =>
    new Promise((resolve) => {
      child.once('error', () => resolve(null));
      child.once(event, (code, sig) => resolve(codeOf(code, sig)));
    });
  const exited = ended('exit');
  const closed = ended('close');
  const onAbort = (): void => void child.kill('SIGKILL');
  signal?.addEventListener('abort', onAbort, { once: true });
  const command = `runc ${o.command[0] ?? ''}`.trim();
  const started = pidWhenStarted({ ...files, exited, failure: o.failure, command })
    .catch((err: unknown) => {
      child.kill('SIGKILL');
      throw err;
    })
    .finally(() => {
      watcher.close();
      signal?.removeEventListener('abort', onAbort);
    });
  return { child, exited, closed, started };
}
