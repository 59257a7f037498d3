// Composition root: builds drivers from config, injects them into engine services, and hands those
// to the API. Start order here; stop order is the reverse (see Daemon.stop).
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../lib/logger.js';
import { createEngineApi, MAX_API_VERSION, MIN_API_VERSION } from '../api/index.js';
import { SystemService } from '../engine/system/system-service.js';
import { NodeHostInfo } from '../drivers/host/node-host-info.js';
import type { DaemonConfig } from './config.js';
import type { ToolReport } from './host-tools.js';
import { loadEngineId } from './engine-id.js';
import { BERTH_VERSION } from './version.js';

export interface Composition {
  api: FastifyInstance;
  /** Stops background work and closes stores, in reverse start order. */
  close(): Promise<void>;
}

export async function compose(config: DaemonConfig, logger: Logger, tools: ToolReport): Promise<Composition> {
  const closers: (() => Promise<void> | void)[] = [];
  const host = new NodeHostInfo(tools.versions);
  const engineId = await loadEngineId(config.dataRoot);

  const system = new SystemService(
    host,
    {
      id: engineId,
      version: BERTH_VERSION,
      gitCommit: '',
      apiVersion: MAX_API_VERSION,
      minApiVersion: MIN_API_VERSION,
      rootDir: config.dataRoot,
      storageDriver: config.storageDriver === 'native' ? 'native' : 'overlay2',
      loggingDriver: 'json-file',
      defaultRuntime: 'runc',
      runtimes: tools.paths.runc ? { runc: { path: tools.paths.runc } } : {},
      initBinary: tools.paths.catatonit ? 'catatonit' : 'tini',
      securityOptions: ['name=seccomp,profile=builtin', 'name=cgroupns'],
      debug: config.debug,
    },
    async () => ({}),
  );

  const api = createEngineApi(logger, { engineVersion: BERTH_VERSION }, { system });

  return {
    api,
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}
