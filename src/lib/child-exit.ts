// Waiting for the end of a child launched with posix_spawn (lib/posix-spawn.ts) without holding a thread: on every
// SIGCHLD, each child still awaited is asked with waitpid(pid, WNOHANG), a system call of microseconds made on the
// event loop. A blocking waitpid on a thread-pool thread would hold one of libuv's four threads for the child's whole
// life (a long `docker exec`, a build step), and four of those would stall every fs call of the daemon. libuv waits
// for its own children by pid as well (never waitpid(-1)), so neither side reaps the other's. Signals coalesce: one
// SIGCHLD may stand for several ended children, hence the look at every awaited pid.
import { constants } from 'node:os';
import { cLibrary } from './libc.js';

/** How a child ended, as Node's 'exit' event gives it: a code, or the signal that killed it. */
export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const WNOHANG = 1;

type Waitpid = (pid: number, status: Int32Array, options: number) => number;
let waitpid: Waitpid | null | undefined;

function binding(): Waitpid | null {
  if (waitpid !== undefined) return waitpid;
  try {
    waitpid = (cLibrary()?.func('int waitpid(int pid, void *status, int options)') as Waitpid) ?? null;
  } catch {
    waitpid = null;
  }
  return waitpid;
}

const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);

/** waitpid's status word decoded (WIFEXITED / WIFSIGNALED). */
function decode(status: number): ChildEnd {
  const sig = status & 0x7f;
  if (sig === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: null, signal: signalNames.get(sig) ?? null };
}

const awaited = new Map<number, (end: ChildEnd) => void>();
let listening = false;
// The SIGCHLD listener does not keep the process alive (Node unrefs signal handles): while a child is awaited this
// timer does, as Node's own child handles do. It also looks once a minute, should a signal ever go astray.
let keepAlive: NodeJS.Timeout | undefined;

/** Reaps `pid` when it has ended; true when it is gone (reaped now, or not a child of ours any more). */
function tryReap(pid: number, wait: Waitpid): boolean {
  const status = new Int32Array(1);
  const r = wait(pid, status, WNOHANG);
  if (r === 0) return false;
  const done = awaited.get(pid);
  awaited.delete(pid);
  // -1: not our child (ECHILD): nothing is known of its end.
  done?.(r === pid ? decode(status[0]!) : { code: null, signal: null });
  if (awaited.size === 0) {
    clearInterval(keepAlive);
    keepAlive = undefined;
  }
  return true;
}

function onChildSignal(): void {
  const wait = binding();
  if (!wait) return;
  for (const pid of [...awaited.keys()]) tryReap(pid, wait);
}

/**
 * Resolves once the child `pid` (launched by spawnNoFork) ended, and reaps it: nothing stays a zombie. Its pid is
 * not reused before that, so a signal sent to it before this resolves reaches that child.
 */
export function childExit(pid: number): Promise<ChildEnd> {
  const wait = binding();
  if (!wait) return Promise.resolve({ code: null, signal: null });
  return new Promise<ChildEnd>((resolve) => {
    awaited.set(pid, resolve);
    if (!listening) {
      listening = true;
      process.on('SIGCHLD', onChildSignal);
    }
    keepAlive ??= setInterval(onChildSignal, 60_000);
    // It may have ended before the listener was there.
    tryReap(pid, wait);
  });
}

// Children that live as long as a container (a conmon run with --sync, drivers/runtime-runc/conmon-process.ts):
// hundreds of them would make every SIGCHLD cost hundreds of waitpid calls, so they are not looked at then. Their
// owner says when one is ending (endingChild), from when on it is awaited as any child; a sweep every minute, which
// does not keep the daemon alive, reaps one whose end nobody announced. Until reaped, an ended one is a zombie: its
// pid is not reused meanwhile.
const longLived = new Set<number>();
let sweep: NodeJS.Timeout | undefined;

function sweepLongLived(): void {
  const wait = binding();
  if (!wait) return;
  const status = new Int32Array(1);
  // waitpid: 0 while it runs; its pid once reaped now; -1 when it is not a child of ours any more.
  for (const pid of [...longLived]) if (wait(pid, status, WNOHANG) !== 0) longLived.delete(pid);
  if (longLived.size === 0) {
    clearInterval(sweep);
    sweep = undefined;
  }
}

/** A child (launched by spawnNoFork) that may run as long as the daemon, or longer: reaped as described above. */
export function adoptLongLivedChild(pid: number): void {
  if (!binding()) return;
  longLived.add(pid);
  sweep ??= setInterval(sweepLongLived, 60_000).unref();
}

/** A long-lived child is ending (what it watched ended, or it was killed): reaped at its end from now on. */
export function endingChild(pid: number): void {
  if (!longLived.delete(pid)) return;
  void childExit(pid);
}
