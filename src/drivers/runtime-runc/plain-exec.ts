// An exec with no TTY and no stdin (`docker exec c cmd`, docker-py's exec_run, every health probe) run by
// `runc exec` as a child of the daemon, with pipes for its output (watched-runc.ts): no conmon of its own, no attach
// socket, no handshake. runc waits for the process, forwards signals to it and exits with its code (128+N for
// signal N); its end reaches the daemon as SIGCHLD (lib/child-exit.ts), no file is polled. What this gives up
// against the conmon path (conmon-exec.ts): the exec does not outlive the daemon (its output pipes close with it),
// which Docker's engine does not promise for an exec's stream either.
import type { ExecProcess } from '../../core/runtime/runtime.js';
import { ChunkQueue } from './chunk-queue.js';
import { launchWatchedRunc } from './watched-runc.js';
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
  const queue = new ChunkQueue();
  const runc = await launchWatchedRunc(
    {
      ...o,
      dir: o.execDir,
      command: ['exec', '--process', o.processSpecPath],
      failure: execStartError,
      output: (stream, data) => queue.push({ stream, data }),
    },
    options.signal,
  );
  void runc.closed.then(() => queue.end());
  const pid = await runc.started;
  phase('runc-exec');
  return {
    pid,
    exit: runc.exited.then((code) => code ?? -1),
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
}
