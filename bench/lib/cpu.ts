// CPU time of processes from /proc/PID/stat: user + system, including children the process has waited for
// (a health check's runc exec is reaped by its parent, so its time lands in the parent's cutime/cstime).
import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on every Linux architecture we run on). */
const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by one process and its reaped children; 0 when it is gone. */
export async function cpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0);
    return ticks / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export async function totalCpuSeconds(pids: readonly number[]): Promise<number> {
  const values = await Promise.all(pids.map(cpuSeconds));
  return values.reduce((sum, value) => sum + value, 0);
}

/** CPU seconds the whole machine has spent busy (all CPUs: every /proc/stat time but idle and iowait). */
export async function machineBusySeconds(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user)
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
}
