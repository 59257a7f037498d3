// The container service over fakes, for lifecycle unit tests without root: the fake runtime (a test decides when
// a process exits), a manual clock (back-off, stop timeouts and health intervals move only when told), the
// in-memory snapshotter, a probe whose answer the test sets, and the real SQLite container store on a temp dir,
// so a second service (a daemon restart) reads what the first one stored; the real volume service over the same
// database and a local volume driver on the temp dir (plain directories: no mounts, no root).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { silentLogger } from '../../src/lib/logger.js';
import { ManualClock } from '../../src/lib/manual-clock.js';
import type { EngineEvent, EventPublisher } from '../../src/core/events/event.js';
import type { ContainerRecord } from '../../src/core/containers/container-record.js';
import type { ContainerCreateRequest } from '../../src/spec/docker/containers.js';
import { ContainerService } from '../../src/engine/containers/container-service.js';
import { FakeRuntime } from '../../src/engine/containers/fake-runtime.js';
import { FakeSnapshotter } from '../../src/engine/images/fake-snapshotter.js';
import type { ImageResolver, RemovalCrashPoint } from '../../src/engine/containers/ports.js';
import { VolumeService } from '../../src/engine/volumes/volume-service.js';
import { SqliteVolumeStore } from '../../src/drivers/volume-local/sqlite-volume-store.js';
import { LocalVolumeDriver } from '../../src/drivers/volume-local/local-volume-driver.js';
import { openDatabase } from '../../src/drivers/metadata-store/database.js';
import { SqliteContainerStore } from '../../src/drivers/container-store-sqlite/sqlite-container-store.js';
import { LocalContainerFiles } from '../../src/drivers/container-files/local-container-files.js';

type Published = Omit<EngineEvent, 'timeNano'>;

/** Events as published, with a way to wait for the next one of an action. */
export class RecordedEvents implements EventPublisher {
  readonly list: Published[] = [];
  private waiting: { action: string; id: string | undefined; resolve: (e: Published) => void }[] = [];

  publish(event: Published): void {
    this.list.push(event);
    const matched = this.waiting.filter((w) => w.action === event.action && (!w.id || w.id === event.actor.id));
    this.waiting = this.waiting.filter((w) => !matched.includes(w));
    for (const w of matched) w.resolve(event);
  }

  /** Settles at the next event with this action (for this container). Ask before causing it. */
  next(action: string, id?: string): Promise<Published> {
    return new Promise((resolve) => this.waiting.push({ action, id, resolve }));
  }

  actions(id: string): string[] {
    return this.list.filter((e) => e.actor.id === id).map((e) => e.action);
  }
}

/** The health probe: every run answers what `result` says at that moment. */
export interface FakeProbe {
  result: { exitCode: number; output: string; timedOut: boolean };
  runs: number;
}

const image: ImageResolver = {
  resolve: async () => ({ id: `sha256:${'1'.repeat(64)}`, config: { Cmd: ['sleep', '1d'] }, topChainId: undefined }),
  idsFor: () => [],
};

export class LifecycleEngine {
  readonly runtime = new FakeRuntime();
  readonly clock = new ManualClock();
  readonly snapshots = new FakeSnapshotter();
  readonly probe: FakeProbe = { result: { exitCode: 0, output: 'ok', timedOut: false }, runs: 0 };
  /** Every service's events, before and after daemon restarts. */
  readonly events = new RecordedEvents();
  service!: ContainerService;
  /**
   * Where the next removal "dies" (a daemon's crash point, ports.ts): the removal throws there, and the test plays
   * the daemon's death and restart with daemonRestart(). Cleared once reached.
   */
  crashAt: RemovalCrashPoint | undefined;
  /** The volume service of the daemon now up (a restart makes a new one: what it held in memory dies with it). */
  volumes: VolumeService;
  private constructor(
    private readonly dir: string,
    private readonly db: Database,
    readonly store: SqliteContainerStore,
    private readonly files: LocalContainerFiles,
    private readonly volumeDriver: LocalVolumeDriver,
  ) {
    this.volumes = this.newVolumes();
    this.service = this.newService();
  }

  static async start(): Promise<LifecycleEngine> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-lifecycle-'));
    const db = openDatabase({ root: dir });
    const driver = new LocalVolumeDriver({ root: join(dir, 'volumes') });
    await driver.init();
    return new LifecycleEngine(
      dir,
      db,
      new SqliteContainerStore(db),
      new LocalContainerFiles({ root: join(dir, 'containers') }),
      driver,
    );
  }

  private newVolumes(): VolumeService {
    const volumes = new VolumeService({
      store: new SqliteVolumeStore(this.db),
      driver: this.volumeDriver,
      events: { publish: () => undefined },
      logger: silentLogger(),
    });
    volumes.setUsers(() => this.service.volumeUsers());
    return volumes;
  }

  /** The volumes' names, all of them. */
  volumeNames(): string[] {
    return this.volumes.list(new Map()).map((v) => v.record.name);
  }

  private newService(): ContainerService {
    return new ContainerService({
      store: this.store,
      images: image,
      snapshots: this.snapshots,
      files: this.files,
      volumes: this.volumes,
      runtime: this.runtime,
      events: this.events,
      logger: silentLogger(),
      storageDriver: 'native',
      clock: this.clock,
      crashPoint: (point) => {
        if (point !== this.crashAt) return;
        this.crashAt = undefined;
        throw new Error(`crashed at ${point}`);
      },
      probe: async () => {
        this.probe.runs++;
        return this.probe.result;
      },
    });
  }

  /** Creates a container from the test image; returns its id. */
  async create(request: Partial<ContainerCreateRequest> = {}, name?: string): Promise<string> {
    return (await this.service.create({ Image: 'test', ...request } as ContainerCreateRequest, name)).id;
  }

  /** Creates and starts; returns the id once it runs. */
  async run(request: Partial<ContainerCreateRequest> = {}): Promise<string> {
    const id = await this.create(request);
    await this.service.start(id);
    return id;
  }

  record(id: string): ContainerRecord {
    const c = this.store.get(id);
    if (!c) throw new Error(`no record for ${id}`);
    return c;
  }

  /**
   * The daemon dies and a new one starts: the old service stops its timers, the runtime forgets its exit
   * watches, `meanwhile` runs while no daemon is up, then a new service over the same store restores.
   */
  async daemonRestart(meanwhile: () => void = () => undefined): Promise<void> {
    await this.service.close();
    this.runtime.daemonRestarted();
    meanwhile();
    this.volumes = this.newVolumes();
    this.service = this.newService();
    await this.volumes.restore();
    await this.service.restore();
  }

  async close(): Promise<void> {
    await this.service.close();
    this.db.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Runs `body` over a fresh engine and closes it, whatever the body does. */
export async function withLifecycleEngine(body: (e: LifecycleEngine) => Promise<void>): Promise<void> {
  const e = await LifecycleEngine.start();
  try {
    await body(e);
  } finally {
    await e.close();
  }
}
