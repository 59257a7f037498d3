// A volume's removal sets its directory aside (renamed to a name start-up recognises) before its record is deleted,
// then deletes the set-aside directory. A daemon killed in between leaves a set-aside directory, and start-up
// finishes the removal: the volume is wholly gone after the restart, never adopted back as a different volume (a
// typed one as a plain directory, its labels and options lost).

/** A directory start-up found set aside by a removal the daemon did not finish. */
export interface SetAsideVolume {
  /** The volume it belonged to. */
  name: string;
  /** The driver's handle for deleting it. */
  handle: string;
}

/**
 * What start-up does with the record of a volume whose directory it found set aside:
 * - `delete`: a record and no live directory of that name: the crash fell between the set-aside and the record's
 *   deletion, so the record is the removed volume's and goes (the removal committed when its data went aside);
 * - `keep`: no record (the crash fell after its deletion), or a live directory beside it: the record belongs to a
 *   volume made again under that name since (a create makes its directory before its record).
 */
export function setAsideRecordFate(state: { record: boolean; directory: boolean }): 'delete' | 'keep' {
  return state.record && !state.directory ? 'delete' : 'keep';
}
