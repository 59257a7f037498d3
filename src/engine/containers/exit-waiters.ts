// Waiters for `POST /containers/{id}/wait`: not-running, next-exit, removed. Settled by the service when the
// container's state changes; held only in memory (a daemon restart ends the client's connection anyway).
import type { ContainerWaitResponse } from '../../spec/docker/containers.js';

type Waiter = { condition: 'exit' | 'removed'; resolve: (r: ContainerWaitResponse) => void };

export class ExitWaiters {
  private readonly waiters = new Map<string, Set<Waiter>>();

  add(id: string, condition: 'exit' | 'removed', signal?: AbortSignal): Promise<ContainerWaitResponse> {
    return new Promise((resolve) => {
      const waiter: Waiter = { condition, resolve };
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      set.add(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          set.delete(waiter);
          if (set.size === 0 && this.waiters.get(id) === set) this.waiters.delete(id);
        },
        { once: true },
      );
    });
  }

  /** The container exited with this code: settle next-exit and not-running waiters. */
  exited(id: string, exitCode: number, error = ''): void {
    this.settle(id, 'exit', { StatusCode: exitCode, Error: error ? { Message: error } : null });
  }

  /** The container is gone: settle everything (removed waiters get the last exit code). */
  removed(id: string, exitCode: number): void {
    this.settle(id, 'exit', { StatusCode: exitCode, Error: null });
    this.settle(id, 'removed', { StatusCode: exitCode, Error: null });
    this.waiters.delete(id);
  }

  private settle(id: string, condition: Waiter['condition'], response: ContainerWaitResponse): void {
    const set = this.waiters.get(id);
    if (!set) return;
    for (const waiter of [...set]) {
      if (waiter.condition !== condition) continue;
      set.delete(waiter);
      waiter.resolve(response);
    }
  }
}
