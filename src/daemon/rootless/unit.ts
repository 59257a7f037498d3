// The host side of `berth rootless stop`: the user's rootless unit (the berthd in rootlesskit's namespaces, the
// holder and rootlesskit itself, see namespace-holder.ts) found, and ended once its containers are stopped.
// Stopping the containers is the Engine API's work (the CLI asks the daemon, as `docker stop` does).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { rootlessPaths } from './paths.js';
import { liveHolder, unitInUse } from './namespace-holder.js';

export interface RootlessUnit {
  /** The socket the unit's berthd serves. */
  socket: string;
  /** The berthd inside the namespaces (its pid file), when it runs. */
  daemonPid: number | undefined;
  /** rootlesskit's child, the holder of the namespaces, when it runs. */
  holderPid: number | undefined;
  /** With no berthd: something besides the holder lives in the namespaces (conmons, so containers). */
  containersRun: boolean;
}

/** How long berthd gets to shut down, and the unit's last conmons to leave after their containers stopped. */
const DAEMON_STOP_MS = 60_000;
const UNIT_EMPTY_MS = 10_000;
const POLL_MS = 50;

const readOr = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** A process of this user that is not a zombie. */
const alive = (pid: number): boolean => {
  const status = readOr(`/proc/${pid}/status`);
  if (!status) return false;
  return /^State:\s+[^ZX]/m.test(status) && Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === process.getuid?.();
};

/** The pid in berthd's pid file, when that process lives and is a berthd. */
function liveDaemon(pidFile: string): number | undefined {
  const pid = Number(readOr(pidFile)?.trim());
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  return (readOr(`/proc/${pid}/cmdline`) ?? '').includes('berthd') ? pid : undefined;
}

/** Process exits cannot be awaited for a process that is not our child: /proc is asked until it is gone. */
async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; !done(); await delay(POLL_MS)) if (Date.now() > end) return false;
  return true;
}

const signal = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone already */
  }
};

export function rootlessUnit(env: NodeJS.ProcessEnv = process.env): RootlessUnit {
  const paths = rootlessPaths(env);
  const daemonPid = liveDaemon(join(paths.execRoot, 'berthd.pid'));
  const holder = liveHolder(paths.rootlesskitStateDir);
  const containersRun = holder !== undefined && daemonPid === undefined && unitInUse(holder.pid);
  return { socket: paths.socket, daemonPid, holderPid: holder?.pid, containersRun };
}

/**
 * Ends the unit: berthd gets SIGTERM and is waited for, then (once its containers' conmons are gone) rootlesskit,
 * which takes the holder and slirp4netns with it. Refused while containers still run: they are stopped first.
 */
export async function endRootlessUnit(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const paths = rootlessPaths(env);
  const daemonPid = liveDaemon(join(paths.execRoot, 'berthd.pid'));
  if (daemonPid !== undefined) {
    signal(daemonPid, 'SIGTERM');
    if (!(await until(() => !alive(daemonPid), DAEMON_STOP_MS)))
      throw new Error(`berthd (pid ${daemonPid}) did not stop in ${DAEMON_STOP_MS / 1000} s`);
  }
  // berthd, stopped with nothing left in the unit, may have ended it already.
  const holder = liveHolder(paths.rootlesskitStateDir);
  if (!holder) return;
  if (!(await until(() => !unitInUse(holder.pid), UNIT_EMPTY_MS)))
    throw new Error(
      'containers still run in the rootless namespaces: stop them first (berthd adopts them at its start)',
    );
  signal(holder.rootlesskitPid, 'SIGTERM');
  if (!(await until(() => !alive(holder.rootlesskitPid), UNIT_EMPTY_MS)))
    throw new Error(`rootlesskit (pid ${holder.rootlesskitPid}) did not stop in ${UNIT_EMPTY_MS / 1000} s`);
}
