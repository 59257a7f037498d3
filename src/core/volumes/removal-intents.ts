// A container removal's intent for its anonymous volumes (`rm -v`, AutoRemove), kept durably from the moment the
// removal begins until those volumes are gone: the record goes before the volumes (they are in use until then), so
// a daemon killed between the two would otherwise leave volumes no container names and nothing removes. The
// intents are the one source of truth for "these volumes go with that container"; start-up finishes or drops them
// by the rules below.
import type { VolumeRecord } from './volume-record.js';

export interface RemovalIntent {
  /** The container whose removal takes the volume. */
  container: string;
  volume: string;
}

/** The intent's container as start-up finds it. */
export type OwnerState = 'absent' | 'removing' | 'present';

/**
 * What start-up does with an intent:
 * - `finish`: the container's record is gone, so its removal committed: the volume goes (see `volumeFate`);
 * - `leave`: the container is still 'removing': its removal is finished at restore and takes the volume then;
 * - `drop`: the container is there and not being removed: the removal never committed (a crash between the intent
 *   and the 'removing' state), so it is rolled back and the volume stays.
 */
export function intentAction(owner: OwnerState): 'finish' | 'leave' | 'drop' {
  if (owner === 'absent') return 'finish';
  return owner === 'removing' ? 'leave' : 'drop';
}

/**
 * Whether a volume an intent names goes now: only an anonymous volume no container names (Docker's `rm -v` keeps a
 * volume another container mounts, and a volume someone took up since stays theirs). `gone`: nothing left to remove.
 */
export function volumeFate(volume: VolumeRecord | undefined, users: number): 'remove' | 'keep' | 'gone' {
  if (!volume) return 'gone';
  return volume.anonymous && users === 0 ? 'remove' : 'keep';
}
