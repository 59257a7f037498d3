// Attaching to a container's stdio (stdin included) through its monitor. A client may attach before the container
// starts (docker run -i attaches, then starts): such attaches wait here and are connected by the start itself,
// after the monitor made the process and before it runs, so not a byte of output is missed.
import type { RuntimePort, StdioStream } from '../../core/runtime/runtime.js';

interface Pending {
  resolve(stdio: StdioStream): void;
  reject(err: unknown): void;
}

export class StdioAttachments {
  private readonly pending = new Map<string, Set<Pending>>();

  constructor(private readonly runtime: RuntimePort) {}

  /** Settles when the container next starts (connected) or fails to (rejected), or when the signal aborts. */
  waitForStart(id: string, signal?: AbortSignal): Promise<StdioStream> {
    return new Promise<StdioStream>((resolve, reject) => {
      const set = this.pending.get(id) ?? new Set<Pending>();
      this.pending.set(id, set);
      const entry: Pending = {
        resolve: (stdio) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(stdio);
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      const onAbort = (): void => {
        set.delete(entry);
        reject(signal?.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      set.add(entry);
    });
  }

  /** Called by a start between the process's creation and its start. */
  async connectPending(id: string): Promise<void> {
    const set = this.pending.get(id);
    this.pending.delete(id);
    if (!set) return;
    for (const entry of set) {
      try {
        entry.resolve(await this.runtime.attach(id));
      } catch (err) {
        entry.reject(err);
      }
    }
  }

  /** The start failed or the container went: waiting clients get the error (their stream ends). */
  failPending(id: string, err: unknown): void {
    const set = this.pending.get(id);
    this.pending.delete(id);
    for (const entry of set ?? []) entry.reject(err);
  }
}
