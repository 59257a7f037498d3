// The volume use cases: create, list, inspect, remove, prune, disk use; and for containers: volumes made or
// adopted at create, mounted at start, released at exit, anonymous ones removed with their container.
// One volume's create/remove are serialised; "in use" means named by any container's mounts, or referenced by a
// container create still in flight (the reference taken under the volume's lock, as Docker's volume store does).
import type { Logger } from '../../lib/logger.js';
import { KeyedMutex } from '../../lib/keyed-mutex.js';
import { generateId } from '../../lib/ids.js';
import { conflict, invalidArgument, isKind, notFound } from '../../core/errdefs.js';
import type { EventPublisher } from '../../core/events/event.js';
import { validateLocalOptions } from '../../core/volumes/local-options.js';
import { invalidNameMessage, isValidVolumeName } from '../../core/volumes/volume-names.js';
import { ANONYMOUS_LABEL, DEFAULT_VOLUME_DRIVER, type VolumeRecord } from '../../core/volumes/volume-record.js';
import type { VolumeStore } from '../../core/volumes/volume-store.js';
import type { VolumeDriver } from '../../core/volumes/volume-driver.js';
import { volumeListFilter, volumePruneFilter, type Filters } from '../../core/volumes/volume-filters.js';
import { volumeNames, type VolumeNeed } from '../../core/volumes/container-volumes.js';
import { intentAction, volumeFate, type OwnerState } from '../../core/volumes/removal-intents.js';
import { setAsideRecordFate } from '../../core/volumes/set-aside-removals.js';
import type { MountPoint } from '../../spec/docker/containers.js';

export interface VolumeUser {
  id: string;
  running: boolean;
  mounts: MountPoint[];
}

/**
 * Test-only (off unless berthd is started with BERTH_TEST_CRASH_AT): the points of a volume's removal where the
 * daemon can be made to kill itself (SIGKILL), so crash tests hit a window deterministically.
 * - `volume-set-aside`: the directory is renamed aside, the record still there;
 * - `volume-record-deleted`: the record is gone, the set-aside directory not yet.
 */
export type VolumeRemovalCrashPoint = 'volume-set-aside' | 'volume-record-deleted';

/**
 * Test-only (off unless berthd is started with BERTH_TEST_PAUSE_AT, daemon/test-pause-point.ts): where a container
 * create can be held so a race test sends its rival request inside the window.
 * - `create-volumes-referenced`: ensure() made or found the create's volumes and referenced them; the container's
 *   record is not stored yet.
 */
export type CreatePausePoint = 'create-volumes-referenced';

export interface VolumeServiceDeps {
  store: VolumeStore;
  driver: VolumeDriver;
  events: EventPublisher;
  logger: Logger;
  crashPoint?: (point: VolumeRemovalCrashPoint) => void;
  pausePoint?: (point: CreatePausePoint) => Promise<void>;
}

export interface VolumeCreateRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export interface VolumeView {
  record: VolumeRecord;
  mountpoint: string;
  /** Present when disk use was asked for: bytes (-1 when not measured) and how many containers use it. */
  usage?: { size: number; refCount: number };
}

/** Docker's CreatedAt: RFC 3339 with seconds. */
const createdNow = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class VolumeService {
  private readonly locks = new KeyedMutex();
  private users: () => VolumeUser[] = () => [];
  /** By volume: the containers whose create referenced it and whose record is not stored yet (nor failed). */
  private readonly creating = new Map<string, Set<string>>();

  constructor(private readonly deps: VolumeServiceDeps) {}

  /** The containers (and their mounts), wired once the container service exists. */
  setUsers(users: () => VolumeUser[]): void {
    this.users = users;
  }

  private usersOf(name: string): VolumeUser[] {
    const stored = this.users().filter((u) => volumeNames(u.mounts).includes(name));
    const inFlight = [...(this.creating.get(name) ?? [])].filter((id) => !stored.some((u) => u.id === id));
    return [...stored, ...inFlight.map((id) => ({ id, running: false, mounts: [] }))];
  }

  private publish(v: VolumeRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.publish({
      type: 'volume',
      action,
      actor: { id: v.name, attributes: { driver: v.driver, ...extra } },
    });
  }

  private view(record: VolumeRecord): VolumeView {
    return { record, mountpoint: this.deps.driver.dataPath(record.name) };
  }

  async create(
    request: VolumeCreateRequest,
    options: { anonymous?: boolean; signal?: AbortSignal } = {},
  ): Promise<VolumeView> {
    const wanted = this.wantedRecord(request, options.anonymous ?? false);
    return this.locks.run(wanted.name, async () => this.view(await this.createLocked(wanted, options)));
  }

  /** The record a create asks for (its time set when made), its name, driver and options checked as Docker's. */
  private wantedRecord(request: VolumeCreateRequest, anonymous: boolean): VolumeRecord {
    const name = request.Name || generateId();
    const driver = request.Driver || DEFAULT_VOLUME_DRIVER;
    if (driver !== this.deps.driver.name)
      throw notFound(`create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    if (!isValidVolumeName(name)) throw invalidArgument(`create ${name}: ${invalidNameMessage(name)}`);
    const driverOptions = request.DriverOpts ?? {};
    validateLocalOptions(name, driverOptions);
    const labels = { ...(request.Labels ?? {}), ...(anonymous ? { [ANONYMOUS_LABEL]: '' } : {}) };
    return { name, driver, labels, options: driverOptions, created: '', anonymous };
  }

  /** Under the volume's lock: the stored record, or the volume made from `wanted` now. */
  private async createLocked(wanted: VolumeRecord, options: { signal?: AbortSignal }): Promise<VolumeRecord> {
    const existing = this.deps.store.get(wanted.name);
    if (existing) return existing;
    const record: VolumeRecord = { ...wanted, created: createdNow() };
    // Directory first, record last: a crash between leaves a directory that start-up adopts.
    await this.deps.driver.create(record, { signal: options.signal });
    this.deps.store.insert(record);
    this.publish(record, 'create');
    return record;
  }

  inspect(name: string): VolumeView {
    const record = this.deps.store.get(name);
    if (!record) throw notFound(`get ${name}: no such volume`);
    return this.view(record);
  }

  list(filters: Filters): VolumeView[] {
    const keep = volumeListFilter(filters, (name) => this.usersOf(name).length > 0);
    return this.deps.store
      .list()
      .filter(keep)
      .map((r) => this.view(r));
  }

  async remove(name: string, options: { force: boolean; signal?: AbortSignal }): Promise<void> {
    await this.locks.run(name, async () => {
      const record = this.deps.store.get(name);
      if (!record) {
        if (options.force) return;
        throw notFound(`get ${name}: no such volume`);
      }
      const users = this.usersOf(name);
      if (users.length) throw conflict(`remove ${name}: volume is in use - [${users.map((u) => u.id).join(', ')}]`);
      // Directory aside first (one rename), then the record, then the directory's deletion: a crash at any point
      // leaves the volume whole or a set-aside directory whose removal the next start finishes (restore), never a
      // directory that start-up would adopt as a different volume.
      const aside = await this.deps.driver.setAside(name, { signal: options.signal });
      this.deps.crashPoint?.('volume-set-aside');
      try {
        this.deps.store.delete(name);
      } catch (err) {
        if (aside) await this.deps.driver.putBack(name, aside);
        throw err;
      }
      this.deps.crashPoint?.('volume-record-deleted');
      // The volume is gone once its record is: a failed deletion of the data is the next start's to finish.
      if (aside)
        await this.deps.driver
          .purge(aside)
          .catch((err: unknown) => this.deps.logger.warn({ err, volume: name }, 'volume data left for the next start'));
      this.deps.store.forgetRemovalIntents({ volume: name });
      this.publish(record, 'destroy');
    });
  }

  async prune(
    filters: Filters,
    options: { apiAtLeast142: boolean; signal?: AbortSignal },
  ): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    const keep = volumePruneFilter(filters, options.apiAtLeast142);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const v of this.deps.store.list().filter(keep)) {
      if (this.usersOf(v.name).length) continue;
      const size = await this.deps.driver.usage(v.name, options).catch(() => 0);
      try {
        await this.remove(v.name, { force: false, signal: options.signal });
        deleted.push(v.name);
        reclaimed += size;
      } catch (err) {
        if (!isKind(err, 'Conflict') && !isKind(err, 'NotFound')) throw err;
      }
    }
    return { VolumesDeleted: deleted, SpaceReclaimed: reclaimed };
  }

  /** For /system/df: local volumes without driver options (as Docker measures), with sizes and users. */
  async diskUsage(options: { signal?: AbortSignal } = {}): Promise<VolumeView[]> {
    const out: VolumeView[] = [];
    for (const record of this.deps.store.list()) {
      if (Object.keys(record.options).length) continue;
      const size = await this.deps.driver.usage(record.name, options).catch(() => -1);
      out.push({ ...this.view(record), usage: { size, refCount: this.usersOf(record.name).length } });
    }
    return out;
  }

  dataPath(name: string): string {
    return this.deps.driver.dataPath(name);
  }

  /**
   * At container create: makes the volumes it needs that do not exist yet and, under each volume's lock, references
   * them for the container, so a `volume rm` or prune before its record is stored answers "in use" (as Docker's
   * volume store takes a reference at create) instead of leaving the container naming a volume that is gone.
   * Returns the names made (for drop() when the create fails later); releaseCreate() drops the references.
   */
  async ensure(containerId: string, needs: VolumeNeed[], options: { signal?: AbortSignal } = {}): Promise<string[]> {
    const made: string[] = [];
    try {
      for (const need of needs) {
        await this.locks.run(need.name, async () => {
          // Options are checked only for a volume made now (an existing one is used as it is, as Docker's).
          if (!this.deps.store.get(need.name)) {
            const wanted = { Name: need.name, DriverOpts: need.driverOptions, Labels: need.labels };
            await this.createLocked(this.wantedRecord(wanted, need.anonymous), options);
            made.push(need.name);
          }
          this.reference(need.name, containerId);
        });
      }
    } catch (err) {
      this.releaseCreate(containerId);
      await this.drop(made);
      throw err;
    }
    await this.deps.pausePoint?.('create-volumes-referenced');
    return made;
  }

  private reference(name: string, containerId: string): void {
    const refs = this.creating.get(name);
    if (refs) refs.add(containerId);
    else this.creating.set(name, new Set([containerId]));
  }

  /** The create's references go: its record is stored (its mounts name the volumes now), or it failed. */
  releaseCreate(containerId: string): void {
    for (const [name, refs] of this.creating) {
      refs.delete(containerId);
      if (refs.size === 0) this.creating.delete(name);
    }
  }

  /** Undoes ensure() (a create that failed later). */
  async drop(names: string[]): Promise<void> {
    for (const name of names)
      await this.remove(name, { force: true }).catch((err: unknown) =>
        this.deps.logger.warn({ err, volume: name }, 'volume rollback failed'),
      );
  }

  /** At container start: every volume's data made available (typed volumes mounted), mount events. */
  async mountFor(containerId: string, points: MountPoint[], options: { signal?: AbortSignal } = {}): Promise<void> {
    for (const p of points) {
      if (p.Type !== 'volume' || !p.Name) continue;
      const record = this.deps.store.get(p.Name);
      if (!record) throw notFound(`get ${p.Name}: no such volume`);
      await this.deps.driver.mount(record, options);
      this.publish(record, 'mount', {
        container: containerId,
        destination: p.Destination,
        propagation: p.Propagation,
        'read/write': String(p.RW),
      });
    }
  }

  /** After a container stopped: typed volumes no other running container uses are unmounted. */
  async releaseFor(containerId: string, points: MountPoint[]): Promise<void> {
    for (const name of volumeNames(points)) {
      const record = this.deps.store.get(name);
      if (!record) continue;
      this.publish(record, 'unmount', { container: containerId });
      if (!Object.keys(record.options).length) continue;
      if (this.usersOf(name).some((u) => u.running && u.id !== containerId)) continue;
      await this.deps.driver
        .unmount(name)
        .catch((err: unknown) => this.deps.logger.warn({ err, volume: name }, 'volume unmount failed'));
    }
  }

  /**
   * Before a create makes the container's anonymous volumes (its record not stored yet): they are named as going with
   * it, so a daemon killed before the record is stored leaves none behind (start-up finds the container absent and
   * removes them; once the record is there the intent is dropped at start, or replaced by the removal's).
   */
  guardCreate(containerId: string, anonymous: string[]): void {
    if (anonymous.length) this.deps.store.setRemovalIntent(containerId, anonymous);
  }

  /**
   * When a container's removal begins (before its 'removing' state is stored): which of its volumes go with it,
   * durably. `points` for `rm -v` and AutoRemove (its anonymous volumes), none for a plain `rm`; replaces an
   * earlier removal's intent. Nothing is written for a container without anonymous volumes and no intent.
   */
  intendRemoval(containerId: string, points: MountPoint[]): void {
    const anonymous = volumeNames(points).filter((name) => this.deps.store.get(name)?.anonymous);
    if (anonymous.length === 0 && this.deps.store.removalIntents(containerId).length === 0) return;
    this.deps.store.setRemovalIntent(containerId, anonymous);
  }

  /**
   * Once the container's record is gone: the volumes its removal intended go, each only if still anonymous and
   * named by no container (another container's mount keeps it, as Docker's `rm -v`); then the intent is forgotten.
   */
  async removeIntended(containerId: string): Promise<void> {
    const intents = this.deps.store.removalIntents(containerId);
    for (const { volume } of intents) await this.removeIfUnused(volume);
    if (intents.length) this.deps.store.forgetRemovalIntents({ container: containerId });
  }

  /**
   * At start, after volume directories were adopted and before containers are restored: intents whose container is
   * gone are finished, those of a container not being removed are dropped (rolled back), those of a 'removing'
   * container are left to its removal (removal-intents.ts).
   */
  async settleRemovals(owner: (containerId: string) => OwnerState): Promise<void> {
    const byContainer = new Map<string, string[]>();
    for (const { container, volume } of this.deps.store.removalIntents()) {
      const volumes = byContainer.get(container);
      if (volumes) volumes.push(volume);
      else byContainer.set(container, [volume]);
    }
    for (const [container, volumes] of byContainer) {
      const action = intentAction(owner(container));
      if (action === 'leave') continue;
      if (action === 'finish') {
        for (const volume of volumes) {
          if (await this.removeIfUnused(volume))
            this.deps.logger.info(
              { volume, container },
              'removed a volume whose container a crash cut off (in its create or removal)',
            );
        }
      }
      // Only once every volume had its turn: a crash before leaves the rest to the next start.
      this.deps.store.forgetRemovalIntents({ container });
    }
  }

  /** True when the volume was removed now. */
  private async removeIfUnused(name: string): Promise<boolean> {
    const fate = volumeFate(this.deps.store.get(name), this.usersOf(name).length);
    if (fate !== 'remove') return false;
    return this.remove(name, { force: true }).then(
      () => true,
      (err: unknown) => {
        this.deps.logger.warn({ err, volume: name }, 'anonymous volume kept');
        return false;
      },
    );
  }

  /**
   * After a daemon (re)start: removals a crash cut are finished (a set-aside directory's record deleted when it is
   * still the removed volume's, set-aside-removals.ts; the directory deleted), then volume directories without a
   * record (a crash between mkdir and insert) are adopted.
   */
  async restore(): Promise<void> {
    const live = new Set(await this.deps.driver.onDisk());
    for (const { name, handle } of await this.deps.driver.setAsideOnDisk()) {
      const fate = setAsideRecordFate({ record: !!this.deps.store.get(name), directory: live.has(name) });
      if (fate === 'delete') {
        this.deps.store.delete(name);
        this.deps.logger.info({ volume: name }, 'finished a volume removal a crash cut off');
      }
      await this.deps.driver
        .purge(handle)
        .catch((err: unknown) => this.deps.logger.warn({ err, volume: name }, 'set-aside volume data not deleted'));
      if (!live.has(name)) this.deps.store.forgetRemovalIntents({ volume: name });
    }
    // Finishing those touched only set-aside directories: the live ones read above are still the ones on disk.
    for (const name of live) {
      if (this.deps.store.get(name)) continue;
      const anonymous = /^[0-9a-f]{64}$/.test(name);
      this.deps.store.insert({
        name,
        driver: this.deps.driver.name,
        labels: anonymous ? { [ANONYMOUS_LABEL]: '' } : {},
        options: {},
        created: createdNow(),
        anonymous,
      });
      this.deps.logger.info({ volume: name }, 'adopted a volume directory without a record');
    }
  }
}
