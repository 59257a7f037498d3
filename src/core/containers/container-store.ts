// Persistence of container records. Lifecycle: insert at create (the name is claimed atomically: of many
// concurrent inserts with one name exactly one wins), update on every state change, delete at removal.
import type { ContainerRecord } from './container-record.js';

export interface ContainerStore {
  /** AlreadyExists (with the holder's id) when the name is taken. */
  insert(record: ContainerRecord): void;
  update(record: ContainerRecord): void;
  /** AlreadyExists when the new name is taken. */
  rename(id: string, newName: string): void;
  delete(id: string): void;
  get(id: string): ContainerRecord | undefined;
  findByName(name: string): ContainerRecord | undefined;
  /** IDs starting with the prefix. */
  findByIdPrefix(prefix: string): ContainerRecord[];
  list(): ContainerRecord[];
}
