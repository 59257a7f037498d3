// Daemons a test file started are stopped when its tests are over, whatever ended them: a `before` hook that threw
// after starting one (its `after` never got the daemon), a timed-out test, or ^C. Before, such a daemon kept the
// file's process alive (its pipes are open handles) until the runner's limit, and kept running with its containers
// for the rest of the suite, adding load to every later file.
import { after } from 'node:test';
import type { ChildProcess } from 'node:child_process';

/** How long the file's own `after` hooks get to stop their daemons before the stragglers get SIGTERM. */
const AFTER_HOOKS_GRACE_MS = 120_000;

const running = new Set<ChildProcess>();

function stopAll(): void {
  // Synchronous: at 'exit' nothing asynchronous runs. SIGTERM lets each daemon shut down on its own.
  for (const child of running) child.kill('SIGTERM');
  running.clear();
}

process.once('exit', stopAll);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
  process.once(signal, () => {
    stopAll();
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
