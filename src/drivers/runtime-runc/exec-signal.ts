// Signals an exec's process. It leads its own process group (runc gives it a session), so the group is signalled:
// what it started (a health probe's `sh -c 'sleep 9; ...'`) goes with it instead of lingering in the container.
export function signalExec(pid: number, signal: number): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}
