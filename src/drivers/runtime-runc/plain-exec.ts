// An exec with no TTY and no stdin (`docker exec c cmd`, docker-py's exec_run, every health probe) run by
// `runc exec` as a child of the daemon, with pipes for its output: no conmon of its own, no attach socket, no
// handshake. runc waits for the process, forwards signals to it and exits with its code (128+N for signal N).
// runc writes the pid file once the process has started; when runc exits without one, the process never ran and
// runc's log says why. What this gives up against the conmon path (conmon-exec.ts): the exec does not outlive the
// daemon (its output pipes close with it), which Docker's engine does not promise for an exec's stream either.
// runc is launched without a fork of the daemon (lib/launch-process.ts): this is every health probe's path.
import { constants } from 'node:os';
import { launchProcess } from '../../lib/launch-process.js';
import type { ExecProcess, StdioChunk } from '../../core/runtime/runtime.js';
import { ChunkQueue } from './chunk-queue.js';
import { pidWhenStarted, watchRuncFiles } from './runc-pid-file.js';
import { execStartError } from './exec-start-error.js';
import { signalExec } from './exec-signal.js';
import { phase } from '../../lib/phases.js';

export interface PlainExecOptions {
  runcPath: string;
  runcRoot: string;
  /** The runtime's own global arguments (daemon.json runtimeArgs), after --root. */
  runtimeArgs?: string[];
  containerId: string;
  /** This exec's state dir: runc's pid file and log. */
  execDir: string;
  processSpecPath: string;
}

export async function startPlainExec(
  o: PlainExecOptions,
  options: { signal?: AbortSignal } = {},
): Promise<ExecProcess> {
  options.signal?.throwIfAborted();
  // Watching before the spawn: the pid file may appear (renamed into place) as soon as runc runs.
  const files = watchRuncFiles(o.execDir);
  const { pidFile, logFile, watcher } = files;
  let child;
  try {
    child = await launchProcess(
      o.runcPath,
      [
        '--root',
        o.runcRoot,
        '--log',
        logFile,
        ...(o.runtimeArgs ?? []),
        'exec',
        '--process',
        o.processSpecPath,
        '--pid-file',
        pidFile,
        o.containerId,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (err) {
    watcher.close();
    throw err;
  }
  const queue = new ChunkQueue();
  // Aborted while runc was being launched: it goes at once (the listener below comes too late for it).
  if (options.signal?.aborted) child.kill('SIGKILL');
  const push = (stream: StdioChunk['stream']) => (data: Buffer) => queue.push({ stream, data });
  child.stdout!.on('data', push('stdout'));
  child.stderr!.on('data', push('stderr'));
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + constants.signals[signal] : null)));
  });
  child.once('close', () => queue.end());
  const onAbort = (): void => void child.kill('SIGKILL');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const pid = await pidWhenStarted({ ...files, exited: exited, failure: execStartError, command: 'runc exec' });
    phase('runc-exec');
    return {
      pid,
      exit: exited.then((code) => code ?? -1),
      stdio: {
        output: queue,
        write: () => undefined,
        endInput: () => undefined,
        // A detach: the reader goes, the pipes keep being drained (a closed pipe would kill the process with
        // SIGPIPE at its next write; `exec -d` runs on).
        close: () => queue.end(),
      },
      resize: async () => undefined,
      kill: (signal: number) => signalExec(pid, signal),
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    watcher.close();
    options.signal?.removeEventListener('abort', onAbort);
  }
}
