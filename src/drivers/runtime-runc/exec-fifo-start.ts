// Starting a created container the way `runc start` does it, without launching runc. `runc create` leaves the
// container's init blocked opening <runc root>/<id>/exec.fifo for writing; `runc start` opens the fifo for reading,
// reads init's "0" up to the end of file (init's end is close-on-exec, so the end means the process was exec'd),
// and removes the fifo, after which runc reports the container running. Done here, the same steps spare a runc
// process per start (a fork of the daemon, then Go's start-up): two per pod on the CRI's path, one per `docker run`.
// Like runc, the wait gives up when init dies first. A runtime without the fifo (another layout) gets 'no-fifo',
// and the caller launches `<runtime> start` as before.
import { constants, open, readSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { processAlive as alive } from './runc-state.js';

const openFd = promisify(open);
/** How often the wait checks that init is still alive (runc's own period). */
const ALIVE_CHECK_MS = 100;

/**
 * Starts the created container `id` whose init is `pid`. Resolves 'started' once the process runs, 'no-fifo' when
 * the runtime left no exec fifo; rejects with runc's words when init died first or the container was started.
 */
export async function startThroughExecFifo(runcRoot: string, id: string, pid: number): Promise<'started' | 'no-fifo'> {
  const path = join(runcRoot, id, 'exec.fifo');
  let fd: number;
  try {
    // Non-blocking: the open returns at once (a blocking one would hold a thread-pool thread for as long as init
    // takes to reach its end, forever if it died), and the fifo is then read as a pipe on the event loop. Linux
    // reports no end of file on a fifo whose writer has not come yet, only once one came and went.
    fd = await openFd(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'no-fifo';
    throw err;
  }
  const fifo = new Socket({ fd, readable: true, writable: false });
  let received = 0;
  const ended = new Promise<void>((resolve, reject) => {
    fifo.on('data', (chunk: Buffer) => (received += chunk.length));
    fifo.once('end', resolve);
    fifo.once('error', reject);
  });
  let timer: NodeJS.Timeout | undefined;
  const died = new Promise<void>((resolve) => {
    const check = (): void => {
      if (alive(pid)) timer = setTimeout(check, ALIVE_CHECK_MS);
      else resolve();
    };
    timer = setTimeout(check, ALIVE_CHECK_MS);
  });
  try {
    await Promise.race([ended, died]);
    // The death check runs in the event loop's timers phase, before the loop reads the fifo: init may have written
    // its byte, exec'd and ended (a command that exits at once, on a loaded machine) with the byte still unread.
    // Taken as never started, such a `docker run` answered 125 "container process is already dead".
    if (received === 0) received = bytesWaiting(fd);
  } finally {
    clearTimeout(timer);
    fifo.destroy();
  }
  // init wrote its byte and then exited between two checks: it was started (runc checks the same way).
  if (received === 0) {
    const dead = !alive(pid);
    throw new Error(dead ? 'container process is already dead' : 'cannot start an already running container');
  }
  await rm(path, { force: true });
  return 'started';
}

/** What can be read from the non-blocking fifo now (0 when nothing is, or its writer came and went without a byte). */
function bytesWaiting(fd: number): number {
  const buf = Buffer.alloc(64);
  let total = 0;
  for (;;) {
    try {
      const n = readSync(fd, buf);
      if (n === 0) return total;
      total += n;
    } catch {
      return total; // EAGAIN: nothing more there now
    }
  }
}
