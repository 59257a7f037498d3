// Keeps recent events for `since` replays and fans new ones out to subscribers (`docker events`).
import type { EngineEvent, EventPublisher } from '../../core/events/event.js';
import { eventMatches, type EventFilters } from './event-filters.js';

const HISTORY_SIZE = 1024;

export interface Subscription {
  /** Events from the history that match (for `since`), then live ones through `onEvent`. */
  backlog: EngineEvent[];
  close(): void;
}

type Clock = () => bigint;

// The wall clock's millisecond, never a guess at its sub-millisecond part: a time past the real one would put an
// event after a `docker events --until <now>` a client sends right after the action. publish() keeps the times
// strictly increasing (a nanosecond apart within one millisecond).
export const wallClockNano: Clock = () => BigInt(Date.now()) * 1_000_000n;

export class EventLog implements EventPublisher {
  private readonly history: EngineEvent[] = [];
  private readonly subscribers = new Set<(event: EngineEvent) => void>();
  private last = 0n;

  constructor(private readonly clock: Clock = wallClockNano) {}

  publish(partial: Omit<EngineEvent, 'timeNano'>): void {
    // Strictly increasing timestamps so since/until replays never drop or duplicate an event.
    let now = this.clock();
    if (now <= this.last) now = this.last + 1n;
    this.last = now;
    const event: EngineEvent = { ...partial, timeNano: now };
    this.history.push(event);
    if (this.history.length > HISTORY_SIZE) this.history.shift();
    for (const deliver of this.subscribers) deliver(event);
  }

  /** History within [sinceNano, untilNano] matching filters; then live events while the subscription is open. */
  subscribe(
    filters: EventFilters,
    onEvent: (event: EngineEvent) => void,
    sinceNano?: bigint,
    untilNano?: bigint,
  ): Subscription {
    const inWindow = (e: EngineEvent): boolean =>
      (sinceNano === undefined || e.timeNano >= sinceNano) && (untilNano === undefined || e.timeNano <= untilNano);
    const backlog =
      sinceNano === undefined && untilNano === undefined
        ? []
        : this.history.filter((e) => inWindow(e) && eventMatches(e, filters));
    const deliver = (e: EngineEvent): void => {
      if (inWindow(e) && eventMatches(e, filters)) onEvent(e);
    };
    this.subscribers.add(deliver);
    return { backlog, close: () => this.subscribers.delete(deliver) };
  }

  listenerCount(): number {
    return this.subscribers.size;
  }
}
