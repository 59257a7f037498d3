// Daemons a test file started are stopped when its tests are over, whatever ended them: a `before` hook that threw
// after starting one (its `after` never got the daemon), a timed-out test, or ^C. Before, such a daemon kept the
// file's process alive (its pipes are open handles) until the runner's limit, and kept running with its containers
// for the rest of the suite, adding load to every later file.
import { after } from 'node:test';
import type { ChildProcess } from 'node:child_process';

/** How long the file's own `after` hooks get to stop their daemons before the stragglers get SIGTERM. */
const AFTER_HOOKS_GRACE_MS = 120_000;

const running = new Set<ChildProcess>();
/** What outlives a daemon, undone at the process's end unless its owner cleaned up first (see reapAtExit). */
const reaps = new Set<() => void>();

function stopAll(): void {
  // Synchronous: at 'exit' nothing asynchronous runs. SIGTERM lets each daemon shut down on its own.
  for (const child of running) child.kill('SIGTERM');
  running.clear();
}

/** The process is ending: daemons are told to stop, then what outlives them is removed. */
function stopAndReap(): void {
  stopAll();
  for (const reap of reaps) {
    try {
      reap();
    } catch {
      // Best effort: the process is ending.
    }
  }
  reaps.clear();
}

process.once('exit', stopAndReap);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
  process.once(signal, () => {
    stopAndReap();
    // A process with a handler of its own for the signal ends itself once its clean-up is done: bench/ imports
    // these helpers, and exiting here first skipped the bench's (its daemons, roots and mounts were left).
    if (process.listenerCount(signal) > 0) return;
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal]);
  });

// Under the test runner (not in bench/, which imports some of these helpers), a root `after` hook, registered as
// this module loads, so before the file's own. It runs first, so it only starts the clock: a daemon still
// running when the grace is over is one nobody stops. The timer holds nothing open: when every daemon was stopped
// the process exits at once.
if (process.env.NODE_TEST_CONTEXT)
  after(() => {
    setTimeout(stopAll, AFTER_HOOKS_GRACE_MS).unref();
  });

/** Stops `child` (SIGTERM) when this test file is over, unless it has exited by then. */
export function stopAtExit<T extends ChildProcess>(child: T): T {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Runs `reap` (synchronous) when this process ends, by a signal too, unless the returned function was called
 * first (its owner cleaned up). For what outlives a daemon, such as berthd's containers (conmon keeps them
 * running): kept apart from the daemon's own process, since a signal to the whole process group (the runner's
 * `timeout`) ends the daemon before this process gets to it. */
export function reapAtExit(reap: () => void): () => void {
  reaps.add(reap);
  return () => reaps.delete(reap);
}
