// A process named by a pidfd (Linux 5.3): a signal sent through it reaches that very process, never one that took
// its pid after it ended. pidfd_open and pidfd_send_signal through koffi (glibc 2.36); both are system calls of
// microseconds, called on the event loop. Where they cannot be called, openPidfd answers undefined.
import { closeSync } from 'node:fs';
import { cLibrary } from './libc.js';

interface PidfdCalls {
  open: (pid: number, flags: number) => number;
  send: (pidfd: number, signal: number, info: null, flags: number) => number;
}

let calls: PidfdCalls | null | undefined;

function binding(): PidfdCalls | null {
  if (calls !== undefined) return calls;
  const lib = cLibrary();
  try {
    calls = lib
      ? {
          open: lib.func('int pidfd_open(int pid, unsigned int flags)') as PidfdCalls['open'],
          send: lib.func(
            'int pidfd_send_signal(int pidfd, int sig, void *info, unsigned int flags)',
          ) as PidfdCalls['send'],
        }
      : null;
  } catch {
    calls = null;
  }
  return calls;
}

export interface Pidfd {
  /** Sends `signal` to the process; false when it could not (it is gone, or not ours to signal). */
  signal(signal: number): boolean;
  close(): void;
}

/** A pidfd for `pid`, or undefined when there is no such process or pidfds cannot be had here. */
export function openPidfd(pid: number): Pidfd | undefined {
  const c = binding();
  if (!c || !Number.isInteger(pid) || pid <= 0) return undefined;
  const fd = c.open(pid, 0);
  if (fd < 0) return undefined;
  return {
    signal: (signal) => c.send(fd, signal, null, 0) === 0,
    close: () => closeSync(fd),
  };
}
