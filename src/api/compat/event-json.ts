// An engine event in Docker's /events JSON shape (with the legacy status/id/from fields API 1.47 still has).
import type { EngineEvent } from '../../core/events/event.js';

export interface DockerEventMessage {
  status?: string;
  id?: string;
  from?: string;
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  /** Kept as a string here; eventLine() writes it as a JSON integer with every digit. */
  timeNano: string;
}

export function toDockerEvent(event: EngineEvent): DockerEventMessage {
  const legacy = event.type === 'container' || event.type === 'image';
  return {
    ...(legacy ? { status: event.action, id: event.actor.id } : {}),
    ...(event.type === 'container' && event.actor.attributes.image ? { from: event.actor.attributes.image } : {}),
    Type: event.type,
    Action: event.action,
    Actor: { ID: event.actor.id, Attributes: event.actor.attributes },
    scope: 'local',
    time: Number(event.timeNano / 1_000_000_000n),
    timeNano: event.timeNano.toString(),
  };
}

/** One event as a JSON line; timeNano is an int64 in Docker's JSON, beyond what a JS number holds exactly. */
export const eventLine = (event: EngineEvent): string =>
  `${JSON.stringify(toDockerEvent(event)).replace(/"timeNano":"(\d+)"/, '"timeNano":$1')}\n`;
