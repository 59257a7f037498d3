// The daemon's lifecycle: lock the root, compose the engine, listen, and stop cleanly on a signal.
import { mkdirSync, unlinkSync, chmodSync, chownSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import type { Logger } from '../lib/logger.js';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { socketPathOf, type DaemonConfig } from './config.js';
import { RootLock } from './root-lock.js';
import { compose, type Composition } from './compose.js';
import { startCriServer, type CriServer } from '../cri/cri-server.js';
import type { ToolReport } from './host-tools.js';
import { startConfiguredDashboard, type DashboardStarter, type RunningDashboard } from './dashboard-hook.js';
import { IdleMemoryTrimmer } from './idle-memory-trim.js';
import { mallocTrim } from '../lib/libc.js';
import { lowMemoryCollection } from '../lib/full-gc.js';

function groupId(name: string): number {
  if (/^\d+$/.test(name)) return Number(name);
  const line = execFileSync('getent', ['group', name], { encoding: 'utf8' });
  const gid = Number(line.split(':')[2]);
  if (!Number.isInteger(gid)) throw new Error(`group ${name} not found`);
  return gid;
}

export class Daemon {
  private lock: RootLock | undefined;
  private composition: Composition | undefined;
  private dashboard: RunningDashboard | undefined;
  private cri: CriServer | undefined;
  private readonly trimmer: IdleMemoryTrimmer;

  constructor(
    private readonly config: DaemonConfig,
    private readonly logger: Logger,
    private readonly dashboardStarter?: DashboardStarter,
  ) {
    // After a burst: V8 collects what the burst left and shrinks its heap (its Buffers' native memory goes back to
    // malloc), then malloc gives its free pages to the kernel.
    this.trimmer = new IdleMemoryTrimmer(async () => {
      await lowMemoryCollection();
      return mallocTrim();
    }, logger);
  }

  async start(tools: ToolReport): Promise<void> {
    const { config } = this;
    mkdirSync(config.dataRoot, { recursive: true, mode: 0o711 });
    mkdirSync(config.execRoot, { recursive: true, mode: 0o711 });
    this.lock = RootLock.acquire(config.dataRoot);
    this.composition = await compose(config, this.logger, tools);
    this.composition.api.addHook('onResponse', async () => this.trimmer.noteActivity());
    // The CRI listens before the Engine API: "API listening" means both doors are open.
    if (config.criSocket) {
      this.cri = await startCriServer(config.criSocket, {
        ...this.composition.cri,
        onCall: () => this.trimmer.noteActivity(),
      });
      this.logger.info({ socket: config.criSocket }, 'CRI listening');
    }
    for (const host of config.hosts) {
      const path = socketPathOf(host);
      mkdirSync(dirname(path), { recursive: true });
      // We hold the root lock, so a socket file left here belongs to a dead daemon.
      try {
        unlinkSync(path);
      } catch {
        /* none */
      }
      await this.composition.api.listen({ path });
      chmodSync(path, 0o660);
      if (config.group !== undefined) chownSync(path, 0, groupId(config.group));
      this.logger.info({ socket: path }, 'API listening');
    }
    this.dashboard = await startConfiguredDashboard(
      config.dashboard,
      config.execRoot,
      socketPathOf(config.hosts[0] ?? ''),
      this.dashboardStarter,
      this.logger,
    );
    await writeFileAtomic(config.pidfile, `${process.pid}\n`);
    this.trimmer.noteActivity(); // start-up itself is a burst (restore, image store)
    this.trimmer.start();
  }

  async stop(): Promise<void> {
    this.logger.info('shutting down');
    this.trimmer.stop();
    await this.dashboard?.close();
    await this.cri?.close();
    await this.composition?.api.close();
    await this.composition?.close();
    try {
      unlinkSync(this.config.pidfile);
    } catch {
      /* none */
    }
    this.lock?.release();
  }
}
