// `runc kill <id> <signal>` done in the daemon for berth's own runc: what runc 1.1's Signal does without --all (the
// container's init signalled when it is created or running) with runc's own checks (the init is the very process
// runc started: same pid and start time, neither a zombie nor dead), sent through a pidfd opened before the check,
// so a pid taken by another process after the init ended is never signalled. Each `docker stop`, `kill` and
// `rm -f` of a running container spared a runc process (fork, Go's start-up, state.json): 30-80 ms quiet, more
// under load. A paused container (runc thaws a cgroup v1 freezer for SIGKILL), a state it cannot read or a freezer
// it cannot read answer 'needs-runc', and the caller runs `runc kill` as before, for its words as well.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openPidfd } from '../../lib/pidfd.js';
import { initRunning, readRuncState, type RuncState } from './runc-state.js';

/** True when the container's cgroup is known not to be frozen (cgroup v1 freezer.state, v2 cgroup.freeze). */
async function thawed(cgroupPaths: Record<string, string> | undefined): Promise<boolean> {
  const read = (path: string): Promise<string> =>
    readFile(path, 'utf8').then(
      (t) => t.trim(),
      () => '',
    );
  if (cgroupPaths?.freezer) return (await read(join(cgroupPaths.freezer, 'freezer.state'))) === 'THAWED';
  if (cgroupPaths?.['']) return (await read(join(cgroupPaths[''], 'cgroup.freeze'))) === '0';
  return false;
}

/** Signals the init of container `id` (runc state root `runcRoot`) as `runc kill` would, or says runc must. */
export async function signalInit(runcRoot: string, id: string, signal: number): Promise<'signalled' | 'needs-runc'> {
  let state: RuncState;
  try {
    state = await readRuncState(runcRoot, id);
  } catch {
    return 'needs-runc';
  }
  const { init_process_pid: pid, init_process_start: start } = state;
  if (typeof pid !== 'number' || typeof start !== 'number' || !(await thawed(state.cgroup_paths))) return 'needs-runc';
  const pidfd = openPidfd(pid);
  if (!pidfd) return 'needs-runc';
  try {
    // Checked once the pidfd names a process: the one checked is the one signalled.
    if (!(await initRunning(pid, start))) return 'needs-runc';
    return pidfd.signal(signal) ? 'signalled' : 'needs-runc';
  } finally {
    pidfd.close();
  }
}
