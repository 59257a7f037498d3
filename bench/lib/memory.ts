// Proportional set size (PSS) of processes, from /proc/PID/smaps_rollup, and process discovery by cmdline.
import { readFile, readdir } from 'node:fs/promises';

/** PSS of one process in KiB; 0 when it is gone. */
export async function pssKiB(pid: number): Promise<number> {
  try {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const match = /^Pss:\s+(\d+) kB/m.exec(text);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Unique set size (private pages only) in KiB: unaffected by how many unrelated processes share the binary. */
export async function ussKiB(pid: number): Promise<number> {
  try {
    const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return field('Private_Clean') + field('Private_Dirty');
  } catch {
    return 0;
  }
}

export async function totalUssKiB(pids: readonly number[]): Promise<number> {
  const values = await Promise.all(pids.map(ussKiB));
  return values.reduce((sum, value) => sum + value, 0);
}

export async function totalPssKiB(pids: readonly number[]): Promise<number> {
  const values = await Promise.all(pids.map(pssKiB));
  return values.reduce((sum, value) => sum + value, 0);
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
}

export async function listProcesses(): Promise<ProcessInfo[]> {
  const entries = await readdir('/proc');
  const found: ProcessInfo[] = [];
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        try {
          const [stat, cmdline] = await Promise.all([
            readFile(`/proc/${name}/stat`, 'utf8'),
            readFile(`/proc/${name}/cmdline`, 'utf8'),
          ]);
          // stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
          const close = stat.lastIndexOf(')');
          const comm = stat.slice(stat.indexOf('(') + 1, close);
          const ppid = Number(stat.slice(close + 2).split(' ')[1]);
          found.push({ pid: Number(name), ppid, comm, cmdline: cmdline.replaceAll('\0', ' ').trim() });
        } catch {
          // the process exited while we looked
        }
      }),
  );
  return found;
}

/** Processes whose command name is one of `comms` and whose command line mentions `marker` (a path of ours). */
export async function findProcesses(comms: readonly string[], marker: string): Promise<ProcessInfo[]> {
  const all = await listProcesses();
  return all.filter((p) => comms.some((c) => p.comm.startsWith(c)) && p.cmdline.includes(marker));
}

/** All descendants of `root` (not including it). */
export function descendants(all: readonly ProcessInfo[], root: number): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const p of all)
      if (p.ppid === parent) {
        out.push(p);
        queue.push(p.pid);
      }
  }
  return out;
}
