// conmon writes `<exit dir>/<container id>` holding the exit code when a container's process ends. One inotify
// watch on the directory serves every waiter. A poll backs it up: every 2 s it asks each waiter's cheap probe
// (one kill(pid, 0), no file read) whether its monitor still lives, and wakes only those whose monitor is gone;
// every 30 s it wakes them all to read their exit files, in case an event was missed. Waking all 50 idle
// containers every 2 s (two file reads, a stat and /proc each) was most of an idle daemon's CPU. An exit file is
// read synchronously: a few bytes in the exec root, on the way from a container's exit to the answer of its wait
// (see container-state.ts).
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ExitRecord {
  exitCode: number;
  /** When conmon wrote the file. */
  finishedAtMs: number;
}

const POLL_MS = 2000;
/** Every 15th poll (30 s) wakes every waiter, probe or not. */
const FULL_CHECK_EVERY = 15;

export class ExitFiles {
  private watcher: FSWatcher | undefined;
  private readonly waiters = new Map<string, Set<() => void>>();
  private poll: NodeJS.Timeout | undefined;
  private readonly probes = new Map<string, () => boolean>();
  private ticks = 0;

  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.watcher = watch(this.dir, (_event, name) => {
      if (name) this.wake(name.toString());
    });
    // A lost watch (directory removed under us) leaves the poll below to do the job.
    this.watcher.on('error', () => this.watcher?.close());
    this.poll = setInterval(() => {
      const everyone = ++this.ticks % FULL_CHECK_EVERY === 0;
      for (const id of this.waiters.keys()) if (everyone || !(this.probes.get(id)?.() ?? false)) this.wake(id);
    }, POLL_MS);
    this.poll.unref();
  }

  close(): void {
    this.watcher?.close();
    if (this.poll) clearInterval(this.poll);
  }

  async read(id: string): Promise<ExitRecord | undefined> {
    try {
      const path = join(this.dir, id);
      const text = readFileSync(path, 'utf8');
      const st = statSync(path);
      const code = Number.parseInt(text.trim(), 10);
      if (!Number.isInteger(code)) return undefined;
      return { exitCode: code, finishedAtMs: st.mtimeMs };
    } catch {
      return undefined;
    }
  }

  /**
   * Resolves once the exit file exists (and holds a code), or `gone()` says the monitor died without one.
   * `monitorAlive`: a cheap, synchronous check the poll asks instead of waking this waiter (see the top).
   */
  async wait(
    id: string,
    gone: () => Promise<boolean>,
    options: { signal?: AbortSignal; monitorAlive?: () => boolean } = {},
  ): Promise<ExitRecord> {
    const { signal } = options;
    if (options.monitorAlive) this.probes.set(id, options.monitorAlive);
    try {
      return await this.waitLoop(id, gone, signal);
    } finally {
      if (!this.watched(id)) this.probes.delete(id);
    }
  }

  private async waitLoop(id: string, gone: () => Promise<boolean>, signal?: AbortSignal): Promise<ExitRecord> {
    for (;;) {
      signal?.throwIfAborted();
      let wakeUp: () => void = () => undefined;
      const wake = new Promise<void>((resolve) => {
        wakeUp = resolve;
        let set = this.waiters.get(id);
        if (!set) this.waiters.set(id, (set = new Set()));
        set.add(resolve);
      });
      signal?.addEventListener('abort', wakeUp, { once: true });
      try {
        const record = await this.read(id);
        if (record) return record;
        if (await gone()) return (await this.read(id)) ?? { exitCode: 255, finishedAtMs: Date.now() };
        await wake;
      } finally {
        signal?.removeEventListener('abort', wakeUp);
        this.forget(id, wakeUp);
      }
    }
  }

  /**
   * Takes one waiter's wake-up out, never another's: a waiter that found the file while another one (the exit watch
   * and a stop wait for the same container) had read just before the file came must not take that one's wake-up
   * with it, or the file's event finds no one to wake and the other waits forever (a StopPodSandbox hung so).
   */
  private forget(id: string, wakeUp: () => void): void {
    const set = this.waiters.get(id);
    if (!set) return;
    set.delete(wakeUp);
    if (set.size === 0) this.waiters.delete(id);
  }

  /** True while someone waits for this container's exit. */
  watched(id: string): boolean {
    return (this.waiters.get(id)?.size ?? 0) > 0;
  }

  /** Writes an exit as conmon does, for a process the daemon ran itself (foreground-run.ts). */
  async record(id: string, exitCode: number): Promise<void> {
    const tmp = join(this.dir, `.${id}.tmp`);
    await writeFile(tmp, String(exitCode));
    await rename(tmp, join(this.dir, id));
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.dir, id), { force: true });
  }

  private wake(id: string): void {
    const set = this.waiters.get(id);
    if (!set) return;
    this.waiters.set(id, new Set());
    for (const resolve of set) resolve();
  }
}
