// runc's own record of a container (<runc root>/<id>/state.json, libcontainer's State) as the daemon reads it where
// it does runc's work itself (stopped-delete.ts, init-signal.ts), and runc's check that the init is still the very
// process runc started (also the exec fifo start's check that init lives, exec-fifo-start.ts). Both are read
// synchronously: state.json is a small file in the exec root, a process's stat is in /proc, and a docker run's exit
// reads both on its way to the answer (see container-state.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The part of runc's state.json read in the daemon. */
export interface RuncState {
  init_process_pid?: number;
  init_process_start?: number;
  cgroup_paths?: Record<string, string>;
  intel_rdt_path?: string;
  config?: {
    namespaces?: { type?: string; path?: string }[];
    cgroups?: { Systemd?: boolean };
    Hooks?: Record<string, unknown[] | null> | null;
  };
}

/** The state runc keeps for `id` under `runcRoot`; rejects as readFile or JSON.parse do (ENOENT: no state). */
export async function readRuncState(runcRoot: string, id: string): Promise<RuncState> {
  return JSON.parse(readFileSync(join(runcRoot, id, 'state.json'), 'utf8')) as RuncState;
}

/** A process's state letter and start time (clock ticks after boot) from /proc/<pid>/stat; undefined once it is gone. */
export function procStat(pid: number): { state: string; startTicks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) S ppid ...": fields after the command name (which may hold parentheses); the start time is field
  // 22 of the whole line.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', startTicks: Number(fields[19]) };
}

const living = (stat: { state: string } | undefined): boolean =>
  stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';

/** True while `pid` is alive: neither gone, a zombie nor dead. */
export function processAlive(pid: number): boolean {
  return living(procStat(pid));
}

/** True while `pid` is the very process runc started (same start time) and neither a zombie nor dead (runc's Status). */
export async function initRunning(pid: number, startTicks: number): Promise<boolean> {
  const stat = procStat(pid);
  return living(stat) && stat?.startTicks === startTicks;
}
