// Engine events: what happened to which object, as Docker's /events reports them.
// Publishers (container, image, network, volume services) emit; the event log keeps and fans them out.

export type EventType = 'container' | 'image' | 'network' | 'volume' | 'daemon' | 'builder';

export interface EngineEvent {
  type: EventType;
  /** Docker's action names: create, start, die, stop, kill, destroy, restart, rename, pull, tag, untag, delete, ... */
  action: string;
  actor: { id: string; attributes: Record<string, string> };
  /** Nanoseconds since the epoch. */
  timeNano: bigint;
}

export interface EventPublisher {
  publish(event: Omit<EngineEvent, 'timeNano'>): void;
}

/** A publisher that drops everything: for unit tests and services not yet wired. */
export const nullPublisher: EventPublisher = { publish: () => undefined };
