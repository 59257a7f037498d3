// One exec instance as the engine keeps it, in memory only (as Docker does): created, then started once,
// then exited with a code. When records go: exec-store.ts.
import type { ExecProcess } from '../../core/runtime/runtime.js';
import type { ExecInspectResponse } from '../../spec/docker/exec.js';

export interface ExecRecord {
  id: string;
  containerId: string;
  cmd: string[];
  env: string[];
  user: string;
  workingDir: string;
  tty: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  privileged: boolean;
  detachKeys: string;
  consoleSize: { height: number; width: number } | undefined;
  running: boolean;
  started: boolean;
  exitCode: number | null;
  pid: number;
  /** When it exited (ms since the epoch); set once it has ended (a resize is refused then). */
  exitedAt: number | undefined;
  /** Marked by a sweep after its end; the next sweep drops it (Docker's CanRemove). */
  canRemove: boolean;
  process: ExecProcess | undefined;
  /** A TTY size asked for before the process existed: the size it starts with, or is given once it runs. */
  pendingSize: { height: number; width: number } | undefined;
}

export function toExecInspect(r: ExecRecord): ExecInspectResponse {
  return {
    CanRemove: r.canRemove,
    ContainerID: r.containerId,
    DetachKeys: r.detachKeys,
    ExitCode: r.exitCode,
    ID: r.id,
    OpenStderr: r.attachStderr,
    OpenStdin: r.attachStdin,
    OpenStdout: r.attachStdout,
    ProcessConfig: {
      arguments: r.cmd.slice(1),
      entrypoint: r.cmd[0] ?? '',
      privileged: r.privileged,
      tty: r.tty,
      user: r.user,
    },
    Running: r.running,
    Pid: r.pid,
  };
}
