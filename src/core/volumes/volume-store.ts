// Persistence of volume records. insert() claims the name atomically (of concurrent creates one wins);
// delete() is idempotent.
import type { VolumeRecord } from './volume-record.js';

export interface VolumeStore {
  /** AlreadyExists when the name is taken. */
  insert(record: VolumeRecord): void;
  get(name: string): VolumeRecord | undefined;
  list(): VolumeRecord[];
  delete(name: string): void;
}
