// Servers the berth CLI can run in its own process (`berth registry serve`), and host checks (`berth rootless check`). The CLI is a client of the
// Engine API and imports nothing above it; the entry point (bin/berth) hands it these from daemon/, the
// composition root, so the server keeps one implementation and the CLI keeps its layer.
import type { Logger } from '../lib/logger.js';

export interface RegistryServeOptions {
  addr: string;
  root: string;
  htpasswd?: string;
  tokenSecret?: string;
  tokenService?: string;
  tokenRealm?: string;
  gcIntervalMs?: number;
  gcGraceMs?: number;
}

export interface RunningRegistry {
  /** `host:port` actually bound. */
  address: string;
  close(): Promise<void>;
}

export interface ServerHooks {
  /** Loads daemon/registry-host.ts on demand (only `registry serve` pays for it). */
  registryHost?: () => Promise<{
    startRegistryHost(options: RegistryServeOptions, logger: Logger): Promise<RunningRegistry>;
  }>;
  /** Loads daemon/rootless/check.ts: the host facts rootless berthd needs, judged as berthd judges them. */
  rootlessCheck?: () => Promise<{
    rootlessCheck(env?: NodeJS.ProcessEnv): Promise<{ ok: boolean; report: string }>;
  }>;
  /** Loads daemon/rootless/unit.ts: the user's rootless berthd and rootlesskit, found and ended (`berth rootless stop`). */
  rootlessUnit?: () => Promise<{
    rootlessUnit(env?: NodeJS.ProcessEnv): {
      socket: string;
      daemonPid: number | undefined;
      holderPid: number | undefined;
      containersRun: boolean;
    };
    endRootlessUnit(env?: NodeJS.ProcessEnv): Promise<void>;
  }>;
}
