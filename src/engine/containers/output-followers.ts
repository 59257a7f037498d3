// Clients following a container's output as it is written (attach without stdin, `logs -f`). When the process
// ends, Docker drains and closes these streams before it announces the exit (`die`), and clients rely on that order:
// docker-compose 1.29's attached `up` stops following a container on its `die` event and prints
// "<name> exited with code N" only if the container's stream ended (and its wait answered) first.
import type { Clock, TimerId } from '../../lib/clock.js';
import type { LogEntry } from './types.js';

interface Follower {
  stop: AbortController;
  /** Settles when the client has taken the last entry (or stopped reading). */
  done: Promise<void>;
}

/** How long the end of a run waits for its followers to take what is left: dockerd's stream wait is 2 s. */
export const FOLLOWERS_DRAIN_MS = 2_000;

export class OutputFollowers {
  private readonly byContainer = new Map<string, Set<Follower>>();

  constructor(private readonly clock: Clock) {}

  /**
   * The entries `read` yields until `stop` is aborted (by `end`, or by whoever owns `stop`), tracked until the
   * client has taken the last one.
   */
  follow(id: string, stop: AbortController, read: AsyncIterable<LogEntry>): AsyncIterable<LogEntry> {
    let finished = (): void => undefined;
    const follower: Follower = { stop, done: new Promise((resolve) => (finished = resolve)) };
    let set = this.byContainer.get(id);
    if (!set) this.byContainer.set(id, (set = new Set()));
    set.add(follower);
    const forget = (): void => {
      set.delete(follower);
      if (set.size === 0 && this.byContainer.get(id) === set) this.byContainer.delete(id);
      finished();
    };
    return (async function* () {
      try {
        yield* read;
      } finally {
        forget();
      }
    })();
  }

  /** Stops the container's followers and settles once each has delivered what was left (at most FOLLOWERS_DRAIN_MS). */
  async end(id: string): Promise<void> {
    const set = this.byContainer.get(id);
    if (!set || set.size === 0) return;
    const followers = [...set];
    for (const f of followers) f.stop.abort();
    let timer: TimerId | undefined;
    const timeout = new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, FOLLOWERS_DRAIN_MS)));
    await Promise.race([Promise.all(followers.map((f) => f.done)), timeout]);
    this.clock.clearTimeout(timer);
  }
}
