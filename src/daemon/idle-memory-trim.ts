// Gives memory back once the daemon goes quiet. Neither V8 nor glibc does it on its own for a process that stops
// allocating: after a 100 MB `logs` request berthd held 194 MiB PSS 40 s later (102 MB of V8 heap in use, mostly
// garbage, and 47 MB of unreachable Buffers); a full collection and malloc_trim brought it to ~70. So when a burst
// of API requests ends, the daemon collects and trims once. While requests keep coming nothing is done: the pages
// would be faulted straight back in.
import type { Logger } from '../lib/logger.js';

/** How often the daemon looks whether the requests stopped; a burst is over after one quiet period. */
export const IDLE_TRIM_PERIOD_MS = 10_000;

export class IdleMemoryTrimmer {
  private busySinceTrim = false;
  private busyThisPeriod = false;
  private timer: NodeJS.Timeout | undefined;
  private trimming = false;

  constructor(
    /** Gives memory back; resolves whether malloc's free pages could be returned too. */
    private readonly trim: () => Promise<boolean>,
    private readonly logger: Logger,
  ) {}

  /** A request was served. */
  noteActivity(): void {
    this.busySinceTrim = true;
    this.busyThisPeriod = true;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), IDLE_TRIM_PERIOD_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    const quietNow = !this.busyThisPeriod;
    this.busyThisPeriod = false;
    if (!quietNow || !this.busySinceTrim || this.trimming) return;
    this.busySinceTrim = false;
    this.trimming = true;
    try {
      const before = process.memoryUsage.rss();
      const started = performance.now();
      const malloc = await this.trim();
      const ms = Math.round(performance.now() - started);
      this.logger.debug({ rssBefore: before, rssAfter: process.memoryUsage.rss(), malloc, ms }, 'idle: memory trimmed');
    } catch (err) {
      this.logger.debug({ err }, 'idle: memory trim failed');
    } finally {
      this.trimming = false;
    }
  }
}
