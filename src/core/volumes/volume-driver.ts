// Where a volume's data lives. Lifecycle of one volume: create() makes its directory
// (<data-root>/volumes/<name>/_data); mount() makes the data available at that path (for volumes with
// type/device options it mounts the device there, once, however many containers use it) and returns it;
// unmount() undoes that when no running container needs it. Removal is two steps around the record's deletion:
// setAside() unmounts and moves the directory aside in one rename, purge() deletes it; start-up lists what a crash
// left aside (setAsideOnDisk) to finish those removals. Every method is idempotent, so a crash at any point is
// finished by doing the step again.
import type { VolumeRecord } from './volume-record.js';
import type { SetAsideVolume } from './set-aside-removals.js';

export interface VolumeIo {
  signal?: AbortSignal;
}

export interface VolumeDriver {
  readonly name: string;
  /** Host path of the data directory, as inspect's Mountpoint. */
  dataPath(name: string): string;
  create(record: VolumeRecord, options?: VolumeIo): Promise<void>;
  /** Makes the data available at dataPath(); rejects with the mount's error (Docker's wording). */
  mount(record: VolumeRecord, options?: VolumeIo): Promise<string>;
  unmount(name: string, options?: VolumeIo): Promise<void>;
  /** Unmounts and renames the volume's directory aside; the handle for purge()/putBack(), none if there was none. */
  setAside(name: string, options?: VolumeIo): Promise<string | undefined>;
  /** Undoes setAside() (the record's deletion failed). */
  putBack(name: string, handle: string): Promise<void>;
  /** Deletes a set-aside directory. */
  purge(handle: string): Promise<void>;
  /** Directories set aside by removals not finished (a crash), with the volume each belonged to. */
  setAsideOnDisk(options?: VolumeIo): Promise<SetAsideVolume[]>;
  /** Bytes of file content under the data directory. */
  usage(name: string, options?: VolumeIo): Promise<number>;
  /** Names of the volume directories on disk (to adopt any a crash left without a record). */
  onDisk(options?: VolumeIo): Promise<string[]>;
}
