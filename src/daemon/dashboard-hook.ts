// Starting the web dashboard from the daemon. The dashboard (src/dashboard, L6) reaches the daemon only
// through the Engine API on its socket, and nothing below L6 imports it: bin/berthd hands its starter in.
import { randomBytes } from 'node:crypto';
import { writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../lib/logger.js';
import type { DashboardConfig } from './dashboard-config.js';

export interface DashboardStartOptions {
  host: string;
  port: number;
  token: string;
  /** The daemon's API socket the dashboard proxies to. */
  engineSocket: string;
  logger: Logger;
}

export interface RunningDashboard {
  /** http://host:port/ as bound (port resolved when 0 was asked). */
  url: string;
  close(): Promise<void>;
}

export type DashboardStarter = (options: DashboardStartOptions) => Promise<RunningDashboard>;

export const dashboardTokenFile = (execRoot: string): string => join(execRoot, 'dashboard-token');

/** Starts the dashboard when configured; a default address that is taken only warns. */
export async function startConfiguredDashboard(
  config: DashboardConfig,
  execRoot: string,
  engineSocket: string,
  starter: DashboardStarter | undefined,
  logger: Logger,
): Promise<RunningDashboard | undefined> {
  if (config.host === undefined || starter === undefined) return undefined;
  const log = logger.child({ component: 'dashboard' });
  const token = config.token ?? randomBytes(24).toString('base64url');
  const tokenFile = dashboardTokenFile(execRoot);
  let dashboard: RunningDashboard;
  try {
    dashboard = await starter({ host: config.host, port: config.port, token, engineSocket, logger: log });
  } catch (err) {
    if (config.explicit)
      throw new Error(`dashboard: cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`, {
        cause: err,
      });
    log.warn({ err }, 'dashboard not started (default address unavailable); set --dashboard ADDR or off');
    return undefined;
  }
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  log.info({ url: dashboard.url, login: `${dashboard.url}login?token=${token}`, tokenFile }, 'dashboard listening');
  return {
    url: dashboard.url,
    async close() {
      await dashboard.close();
      try {
        unlinkSync(tokenFile);
      } catch {
        /* gone */
      }
    },
  };
}
