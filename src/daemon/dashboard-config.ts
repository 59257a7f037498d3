// The dashboard's listen address and token, from `--dashboard ADDR` / daemon.json `dashboard`.
// Loopback by default; any other address needs a token set explicitly, so nothing is reachable from
// another host by accident.
import { isIP } from 'node:net';

export const DEFAULT_DASHBOARD_ADDRESS = '127.0.0.1:9900';

export interface DashboardConfig {
  /** undefined when the dashboard is off. */
  host: string | undefined;
  port: number;
  /** Set by the user; otherwise a random one is made at each start. */
  token: string | undefined;
  /** The address was chosen by the user (a failure to bind is then fatal, not a warning). */
  explicit: boolean;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || (isIP(host) === 4 && host.startsWith('127.'));
}

/** "host:port", "[v6]:port" or "off". */
export function parseDashboardAddress(value: string): { host: string; port: number } | undefined {
  if (value === 'off' || value === 'false' || value === '') return undefined;
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!match || host === undefined || !Number.isInteger(port) || port > 65535) {
    throw new Error(`invalid dashboard address "${value}": use HOST:PORT (e.g. ${DEFAULT_DASHBOARD_ADDRESS}) or off`);
  }
  return { host, port };
}

export function resolveDashboardConfig(address: string | undefined, token: string | undefined): DashboardConfig {
  const parsed = parseDashboardAddress(address ?? DEFAULT_DASHBOARD_ADDRESS);
  if (token !== undefined && token.length < 16) throw new Error('dashboard-token must be at least 16 characters');
  if (parsed && !isLoopbackHost(parsed.host) && token === undefined) {
    throw new Error(
      `dashboard address ${parsed.host} is not loopback: set a token (--dashboard-token or "dashboard-token") to expose it`,
    );
  }
  return { host: parsed?.host, port: parsed?.port ?? 0, token, explicit: address !== undefined };
}
