// Docker's max-size/max-file rotation on top of conmon 2.1.6, which cannot rotate by itself: at
// --log-size-max it only replaces the live file with an empty one (old lines lost). So while a container runs
// the daemon watches its log and, at max-size, shifts log.N-1 -> log.N … log -> log.1 and asks conmon to
// reopen (message "2 0 0" on the bundle's "ctl" FIFO: conmon then creates a fresh file at the log path).
// conmon keeps writing into the renamed file until it reopens, so no line is lost. conmon's own cap stays
// as a backstop (conmonSizeCap) for when no daemon runs.
import { watch, constants, type FSWatcher } from 'node:fs';
import { open, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../../lib/logger.js';
import type { LogPolicy } from '../../core/runtime/log-policy.js';

const REOPEN_LOGS_EVENT = '2 0 0\n';
const CHECK_DELAY_MS = 50;

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

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    if (this.timer) clearTimeout(this.timer);
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
      await shiftLogFiles(this.logPath, this.policy.maxFile);
      if (!(await requestLogReopen(this.bundleDir))) {
        // No conmon (the container ended): leave an empty live file for readers.
        await (await open(this.logPath, 'a')).close();
      }
    } finally {
      this.rotating = false;
      // Writes seen while rotating were dropped by the early return above: look once more, or a live file that
      // grew past max-size meanwhile would wait for the next write.
      this.schedule();
    }
  }
}
