// `runc delete` of a container whose init has ended, done in the daemon: what runc 1.1's destroy() does for a
// stopped container (its cgroups removed, its state dir removed), without launching runc. Each `docker run --rm`
// ends with one such delete between the exit and the wait's answer, where a runc process (fork, Go's start-up,
// reading state.json) cost 50-80 ms quiet and 150-500 ms under load. Only the plain case is done here; anything
// runc does more for (a shared or joined pid namespace: processes left to kill; poststop hooks; systemd or Intel
// RDT cgroups; an init still running; a state it cannot read) answers 'needs-runc', and the caller runs
// `runc delete --force` as before.
import { existsSync, readdirSync, rmdirSync, type Dirent } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { initRunning, readRuncState, type RuncState } from './runc-state.js';

/** Why runc itself must do this delete, or undefined when the in-daemon delete does what runc would. */
function needsRunc(state: RuncState): string | undefined {
  const config = state.config;
  if (!config || typeof state.init_process_pid !== 'number' || typeof state.init_process_start !== 'number')
    return 'state unreadable';
  const pidNs = config.namespaces?.find((n) => n.type === 'NEWPID');
  // Without a pid namespace of its own, processes of the container can outlive its init: runc kills them first.
  if (!pidNs || pidNs.path) return 'no own pid namespace';
  if (config.cgroups?.Systemd) return 'systemd cgroup';
  if (state.intel_rdt_path) return 'intel rdt';
  if (Object.values(config.Hooks ?? {}).some((hooks) => (hooks?.length ?? 0) > 0)) return 'hooks';
  return undefined;
}

/**
 * rmdir of a cgroup and the cgroups below it (a cgroup's files go with its directory); one already gone counts as
 * removed. A container's cgroup has none below it as a rule: its directory is listed only when the rmdir alone
 * fails. Synchronous: cgroupfs lives in the kernel, an rmdir there takes microseconds, and cgroup v1 has a
 * hierarchy per controller (about ten rmdirs per container, each a thread-pool round trip when asynchronous).
 */
function removeCgroup(dir: string): void {
  try {
    rmdirSync(dir);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
  }
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    /* listed as empty: the rmdir below says what is wrong */
  }
  for (const e of entries) if (e.isDirectory()) removeCgroup(join(dir, e.name));
  try {
    rmdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Deletes the stopped container `id` of the runc state root `runcRoot` as `runc delete` would. 'deleted' when it is
 * gone (or runc had no state for it), 'needs-runc' when runc has to do it (see the top).
 */
export async function deleteStoppedContainer(
  runcRoot: string,
  id: string,
  removeDir: (dir: string) => Promise<void> = (dir) => rm(dir, { recursive: true, force: true }),
): Promise<'deleted' | 'needs-runc'> {
  const dir = join(runcRoot, id);
  let state: RuncState;
  try {
    state = await readRuncState(runcRoot, id);
  } catch (err) {
    // No state dir: nothing of runc's to delete. A dir without a readable state: runc knows what to do with it.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(dir) ? 'deleted' : 'needs-runc';
  }
  if (needsRunc(state)) return 'needs-runc';
  if (await initRunning(state.init_process_pid!, state.init_process_start!)) return 'needs-runc';
  // The pid namespace's init is gone, so the kernel has killed and reaped every other process in it: the cgroups
  // are empty, or are a moment away from it. runc retries five times, 10 ms apart and doubling; so does this.
  let left = Object.values(state.cgroup_paths ?? {});
  for (let attempt = 0, delay = 10; left.length > 0; attempt++, delay *= 2) {
    if (attempt === 5) return 'needs-runc';
    if (attempt > 0) await sleep(delay);
    left = left.filter((path) => {
      try {
        removeCgroup(path);
        return false;
      } catch {
        return true;
      }
    });
  }
  await removeDir(dir);
  return 'deleted';
}
