// What the container service lends the modules beside it (archive, stats, commit, control): record lookups,
// the per-container lock that serialises state changes, saving a record, and container events.
import type { ContainerRecord } from '../../core/containers/container-record.js';

export interface ContainerAccess {
  /** NotFound with Docker's "No such container: x". */
  resolve(ref: string): ContainerRecord;
  /** Runs `work` holding the container's lock, with its record as it is once the lock is held. */
  locked<T>(ref: string, work: (c: ContainerRecord) => Promise<T>): Promise<T>;
  save(c: ContainerRecord): void;
  publish(c: ContainerRecord, action: string, extra?: Record<string, string>): void;
}
