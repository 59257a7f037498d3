// Reading containers without changing them: list (filters, limit, sizes), inspect, the counts `docker info`
// shows, which containers use an image, a volume or a snapshot; and prune, which removes the stopped ones that
// match through the lifecycle's own removal.
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import { isRunning } from '../../core/containers/lifecycle.js';
import type { ContainerNetworking } from '../../core/networks/container-networking.js';
import type { Snapshotter } from '../../core/snapshots/snapshotter.js';
import type { Logger } from '../../lib/logger.js';
import { eachLimited } from '../../lib/each-limited.js';
import { buildListFilter } from './list-filters.js';
import { checkFilterKeys, createdAfter, matchLabels, pruneUntilNano } from '../../core/filters/filter-args.js';
import type { ContainerExecs, ImageResolver } from './ports.js';
import { resolveContainer } from './resolve.js';
import type { ContainerView, ListOptions } from './types.js';

const CONTAINER_PRUNE_FILTERS = ['label', 'label!', 'until'];
const PRUNE_CONCURRENCY = 8;

export interface ContainerListingDeps {
  store: ContainerStore;
  images: ImageResolver;
  snapshots: Snapshotter;
  networks?: ContainerNetworking;
  logger: Logger;
  /** Exec instances, for inspect's ExecIDs; absent: none. */
  execs?: ContainerExecs;
  /** The lifecycle's removal (prune goes through it, so a container removed meanwhile is skipped cleanly). */
  remove(id: string): Promise<void>;
}

export class ContainerListing {
  constructor(private readonly deps: ContainerListingDeps) {}

  private get store(): ContainerStore {
    return this.deps.store;
  }

  async list(options: ListOptions): Promise<ContainerView[]> {
    const keep = buildListFilter(options.filters, {
      imageIdsFor: (ref) => this.deps.images.idsFor(ref),
      lookup: (ref) => resolveContainer(this.store, ref),
    });
    const all =
      options.all ||
      (options.limit !== undefined && options.limit > 0) ||
      options.filters.has('status') ||
      options.filters.has('exited');
    let records = this.store.list().filter((c) => (all || isRunning(c)) && keep(c));
    if (options.limit !== undefined && options.limit > 0) records = records.slice(0, options.limit);
    const net = this.deps.networks?.views(records);
    // One image lookup (two SQLite reads and a record's parse) per reference, not per container.
    const idOfReference = new Map<string, string | undefined>();
    return Promise.all(
      records.map(async (record, i) => ({
        record,
        image: this.imageShown(record, idOfReference),
        ...(net?.[i] ? { network: net[i].settings, ports: net[i].ports } : {}),
        ...(options.size ? { size: await this.sizes(record) } : {}),
      })),
    );
  }

  /** Docker's list keeps the reference a container was made from only while it still names the container's image. */
  private imageShown(record: ContainerRecord, idOfReference: Map<string, string | undefined>): string {
    if (record.image === record.imageId) return record.image;
    if (!idOfReference.has(record.image)) idOfReference.set(record.image, this.deps.images.idsFor(record.image)[0]);
    return idOfReference.get(record.image) === record.imageId ? record.image : record.imageId;
  }

  async inspect(ref: string, options: { size: boolean }): Promise<ContainerView> {
    const record = resolveContainer(this.store, ref);
    const execIds = this.deps.execs?.idsOf(record.id) ?? [];
    return {
      ...this.netView(record),
      ...(options.size ? { size: await this.sizes(record) } : {}),
      ...(execIds.length > 0 ? { execIds } : {}),
    };
  }

  private netView(record: ContainerRecord): ContainerView {
    const n = this.deps.networks;
    return n ? { record, network: n.settings(record), ports: n.ports(record) } : { record };
  }

  /** The writable layer's size and the whole root filesystem's (the image's layers added); zeros when unknown. */
  private async sizes(c: ContainerRecord): Promise<{ rw: number; rootFs: number }> {
    try {
      const rw = (await this.deps.snapshots.usage(c.snapshotKey)).size;
      const info = await this.deps.snapshots.stat(c.snapshotKey);
      let rootFs = rw;
      for (let parent = info.parent; parent; parent = (await this.deps.snapshots.stat(parent)).parent)
        rootFs += (await this.deps.snapshots.usage(parent)).size;
      return { rw, rootFs };
    } catch {
      return { rw: 0, rootFs: 0 };
    }
  }

  async prune(filters: Map<string, string[]>): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    checkFilterKeys(filters, CONTAINER_PRUNE_FILTERS);
    const until = pruneUntilNano(filters);
    const deleted: string[] = [];
    let reclaimed = 0;
    const stopped = this.store
      .list()
      .filter((c) => !isRunning(c) && matchLabels(filters, c.config.Labels) && !createdAfter(c.created, until));
    // A few at a time: each removal waits on the disk (directory removal, metadata writes), not on the CPU.
    await eachLimited(stopped, PRUNE_CONCURRENCY, async (c) => {
      const size = await this.writableSize(c);
      try {
        await this.deps.remove(c.id);
        deleted.push(c.id);
        reclaimed += size;
      } catch (err) {
        this.deps.logger.warn({ err, container: c.id }, 'prune could not remove container');
      }
    });
    // In the store's order (newest first), whatever order the removals finished in.
    const order = new Map(stopped.map((c, i) => [c.id, i]));
    deleted.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
  }

  /** The writable layer's size alone (what a removal reclaims; the image's layers stay). */
  private async writableSize(c: ContainerRecord): Promise<number> {
    return this.deps.snapshots.usage(c.snapshotKey).then(
      (u) => u.size,
      () => 0,
    );
  }

  counts(): { containersRunning: number; containersPaused: number; containersStopped: number } {
    const all = this.store.list();
    const paused = all.filter((c) => c.state.status === 'paused').length;
    const running = all.filter((c) => c.state.status === 'running' || c.state.status === 'restarting').length;
    return { containersRunning: running, containersPaused: paused, containersStopped: all.length - running - paused };
  }

  /** Containers using an image, for image removal and prune. */
  usersOf(imageId: string): { id: string; running: boolean }[] {
    return this.store
      .list()
      .filter((c) => c.imageId === imageId)
      .map((c) => ({ id: c.id, running: isRunning(c) }));
  }

  /** Containers with their mounts, so the volume service knows which volumes are in use. */
  volumeUsers(): { id: string; running: boolean; mounts: ContainerRecord['mounts'] }[] {
    return this.store.list().map((c) => ({ id: c.id, running: isRunning(c), mounts: c.mounts }));
  }

  containersPerImage(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const c of this.store.list()) counts.set(c.imageId, (counts.get(c.imageId) ?? 0) + 1);
    return counts;
  }

  /** Snapshot keys that belong to containers, so the snapshotter's start-up cleanup keeps them. */
  snapshotKeys(): Set<string> {
    return new Set(this.store.list().map((c) => c.snapshotKey));
  }
}
