// Docker's max-size/max-file rotation on top of conmon 2.1.6, which cannot rotate by itself: at
// --log-size-max it only replaces the live file with an empty one (old lines lost). So while a container runs
// the daemon watches its log and, at max-size, shifts log.N-1 -> log.N … log -> log.1 and asks conmon to
// reopen (message "2 0 0" on the bundle's "ctl" FIFO: conmon then creates a fresh file at the log path).
// conmon keeps writing into the renamed file until it reopens, so no line is lost. What it wrote there meanwhile
// (a burst) can make `.1` many max-sizes long: once conmon has reopened, `.1` is split where dockerd would have
// rotated (log-split.ts), and at the container's exit the live file too (settleLogAtExit), so the files kept are
// those dockerd keeps. Every change to a log's files is serialised per path (exclusive). conmon's own cap stays
// as a backstop (conmonSizeCap) for when no daemon runs.
import { watch, constants, type FSWatcher } from 'node:fs';
import { open, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../../lib/logger.js';
import type { LogPolicy } from '../../core/runtime/log-policy.js';
import { fileCreated } from './file-created.js';
import { moveTailToLive, splitLogFile } from './log-split.js';
import { noteReplaced } from './log-continuations.js';

const REOPEN_LOGS_EVENT = '2 0 0\n';
const CHECK_DELAY_MS = 50;
/** How long a rotation waits for conmon to reopen before leaving `.1` unsplit (the exit's settle splits it). */
const REOPEN_WAIT_MS = 5000;

const busy = new Map<string, Promise<unknown>>();

/** Runs `fn` once every earlier change to the log at `path` has ended. */
export function exclusive<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const prev = busy.get(path) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  busy.set(path, tail);
  void tail.then(() => {
    if (busy.get(path) === tail) busy.delete(path);
  });
  return run;
}

/**
 * At a container's exit (conmon gone, nothing writes the log): `.1` and the live file split where dockerd would
 * have rotated them, the lines past `.1`'s last full piece moved to the live file's start. The live file is replaced by its tail; followers go on where they were (log-continuations.ts).
 */
export function settleLogAtExit(logPath: string, policy: LogPolicy): Promise<void> {
  if (policy.maxFile < 2) return Promise.resolve(); // one file: conmon's cap truncates it in place
  return exclusive(logPath, async () => {
    await splitLogFile(logPath, 1, policy, true);
    await moveTailToLive(logPath, policy.maxSize, (r) => noteReplaced(logPath, { ...r, fromOthersAt: -r.keptFrom }));
    await splitLogFile(logPath, 0, policy, false, (r) => noteReplaced(logPath, r));
  });
}

/** Asks conmon to reopen its log file; false when no conmon listens (container gone). */
export async function requestLogReopen(bundleDir: string): Promise<boolean> {
  try {
    const fh = await open(join(bundleDir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      await fh.write(REOPEN_LOGS_EVENT);
    } finally {
      await fh.close();
    }
    return true;
  } catch {
    return false;
  }
}

/** Shifts log.(n-1) -> log.n … log -> log.1; the oldest beyond maxFile-1 is overwritten. */
export async function shiftLogFiles(logPath: string, maxFile: number): Promise<void> {
  for (let i = maxFile - 1; i >= 2; i--) {
    await rename(`${logPath}.${i - 1}`, `${logPath}.${i}`).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
  await rename(logPath, `${logPath}.1`);
}

export class LogRotator {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private rotating = false;
  private stopped = false;
  /** Resolves when conmon is known gone (ended()), so a rotation stops waiting for its reopen. */
  private gone: () => void = () => undefined;
  private readonly conmonGone = new Promise<void>((resolve) => (this.gone = resolve));

  constructor(
    private readonly logPath: string,
    private readonly bundleDir: string,
    private readonly policy: LogPolicy,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.policy.maxFile <= 1) return; // conmon's own cap truncates: Docker's max-file=1
    const name = basename(this.logPath);
    try {
      this.watcher = watch(dirname(this.logPath), (_event, file) => {
        if (file?.toString() === name) this.schedule();
      });
      this.watcher.on('error', () => this.stop());
    } catch (err) {
      this.logger.warn({ err, log: this.logPath }, 'cannot watch the log; it will not be rotated');
    }
    this.schedule();
  }

  /** Stops watching (the daemon stops; conmon may go on). */
  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    if (this.timer) clearTimeout(this.timer);
  }

  /** Stops watching because conmon has exited: a rotation waiting for its reopen goes on without it. */
  ended(): void {
    this.gone();
    this.stop();
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.check().catch((err: unknown) => this.logger.warn({ err, log: this.logPath }, 'log rotation failed'));
    }, CHECK_DELAY_MS);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    if (this.rotating || this.stopped) return;
    const size = await stat(this.logPath).then(
      (s) => s.size,
      () => 0,
    );
    if (size < this.policy.maxSize) return;
    this.rotating = true;
    try {
      await exclusive(this.logPath, () => this.rotate());
    } finally {
      this.rotating = false;
      // Writes seen while rotating were dropped by the early return above: look once more, or a live file that
      // grew past max-size meanwhile would wait for the next write.
      this.schedule();
    }
  }

  private async rotate(): Promise<void> {
    // conmon exited while this waited its turn: the exit's settle has the files now.
    if (this.stopped) return;
    await shiftLogFiles(this.logPath, this.policy.maxFile);
    const reopened = fileCreated(this.logPath, REOPEN_WAIT_MS);
    let outcome = 'gone';
    if (await requestLogReopen(this.bundleDir))
      // conmon closes the renamed file before it puts the new one in place: `.1` is then complete.
      outcome = await Promise.race([
        reopened.done.then(
          () => 'reopened',
          () => 'slow',
        ),
        this.conmonGone.then(() => 'gone'),
      ]);
    reopened.cancel();
    // No conmon (the container ended): leave an empty live file for readers.
    if (outcome === 'gone') await (await open(this.logPath, 'a')).close();
    // A conmon too slow to reopen may still write `.1`: left whole, for the exit's settle.
    if (outcome !== 'slow') await splitLogFile(this.logPath, 1, this.policy, true);
  }
}
