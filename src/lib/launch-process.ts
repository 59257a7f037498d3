// A child process launched without forking the daemon (posix_spawn, lib/posix-spawn.ts), with pipes for its output,
// shaped as the part of Node's ChildProcess that the daemon's runc and conmon launches use: pid, stdout/stderr
// streams, kill(), and the 'exit' (the process ended, lib/child-exit.ts reaped it) and 'close' (ended and its
// pipes drained) events. Where posix_spawn cannot be called, it is Node's own spawn, so callers have one path.
// The child gets only the fds of `stdio` (all others closed), default signal handling and an empty signal mask.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { adoptLongLivedChild, childExit } from './child-exit.js';
import { pipeNoFork, spawnNoFork } from './posix-spawn.js';

/** What a launched process offers: Node's ChildProcess has all of it. */
export interface LaunchedProcess {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** The daemon's end of each fd given to the child: streams for 'pipe' and 'input', null otherwise. */
  readonly stdio: readonly (Readable | Writable | null | undefined)[];
  kill(signal?: NodeJS.Signals | number): boolean;
  once(event: 'exit' | 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
  /** The daemon may exit before the child (a detached monitor's first process). */
  unref(): void;
}

export interface LaunchOptions {
  /** stdin, stdout, stderr (and more): 'ignore' is /dev/null, 'pipe' a pipe the child writes and the daemon
   *  reads, 'input' one the daemon writes and the child reads, a number the daemon's fd. */
  stdio: ('ignore' | 'pipe' | 'input' | number)[];
  cwd?: string;
  /** Absent: the daemon's environment. */
  env?: NodeJS.ProcessEnv;
  /** Its own session and process group (Node's `detached`). */
  detached?: boolean;
  /**
   * Its own process group in the daemon's session (a terminal's ^C to the daemon's group does not reach it), where
   * `detached` is not needed: a new session is a new scheduler autogroup (kernel.sched_autogroup_enabled), which a
   * loaded machine serves later than the daemon's own. Where Node's spawn stands in, its own session (`detached`).
   */
  processGroup?: boolean;
  /**
   * It may run as long as the daemon, or longer (a container's monitor): not reaped at once on its end but when
   * its owner calls endingChild (lib/child-exit.ts), so the daemon does not look at each of them on every SIGCHLD.
   * Its 'exit' and 'close' are never emitted.
   */
  longLived?: boolean;
}

class NoForkChild extends EventEmitter implements LaunchedProcess {
  private ended = false;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;

  constructor(
    readonly pid: number,
    readonly stdio: (Socket | null)[],
    private readonly longLived = false,
  ) {
    super();
    this.stdout = stdio[1] ?? null;
    this.stderr = stdio[2] ?? null;
    if (longLived) {
      adoptLongLivedChild(pid);
      return;
    }
    const drained = stdio
      .filter((r): r is Socket => r !== null && r.readable)
      .map((r) => new Promise<void>((resolve) => r.once('close', () => resolve())));
    void childExit(pid).then((end) => {
      this.ended = true;
      // Emitted on a later turn: a child that ended at once must not be reported before launchProcess's caller
      // has had its turn to listen.
      setImmediate(() => {
        this.emit('exit', end.code, end.signal);
        void Promise.all(drained).then(() => this.emit('close', end.code, end.signal));
      });
    });
  }

  kill(signal: NodeJS.Signals | number = 'SIGTERM'): boolean {
    // Until it is reaped its pid is its own; after that the number may name another process (a long-lived child is
    // reaped out of sight: never signalled through here).
    if (this.ended || this.longLived) return false;
    try {
      process.kill(this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Nothing to do: lib/child-exit.ts keeps the daemon alive only until the child ends. */
  unref(): void {}
}

interface Pipes {
  /** The daemon's end of each fd (null where it has none). */
  ends: (Socket | null)[];
  /** What the child gets at each index. */
  childFds: (number | 'null')[];
  /** The child's ends, closed here once it has them. */
  childEnds: number[];
}

/** A pipe for each 'pipe' and 'input' entry; null where pipes cannot be made without Node. */
function makePipes(stdio: LaunchOptions['stdio']): Pipes | null {
  const p: Pipes = { ends: [], childFds: [], childEnds: [] };
  for (const s of stdio) {
    if (s !== 'pipe' && s !== 'input') {
      p.ends.push(null);
      p.childFds.push(s === 'ignore' ? 'null' : s);
      continue;
    }
    let pipe;
    try {
      pipe = pipeNoFork();
    } catch (err) {
      p.ends.forEach((e) => e?.destroy());
      p.childEnds.forEach((fd) => closeSync(fd));
      throw err;
    }
    if (pipe === 'unavailable') return null;
    const [read, write] = pipe;
    const ours = s === 'pipe' ? read : write;
    const end = new Socket({ fd: ours, readable: s === 'pipe', writable: s === 'input' });
    // An I/O error ends the stream ('close' follows); it must not take the daemon down.
    end.on('error', () => undefined);
    p.ends.push(end);
    p.childFds.push(s === 'pipe' ? write : read);
    p.childEnds.push(s === 'pipe' ? write : read);
  }
  return p;
}

/** Launches `path`; a launch failure (ENOENT, EACCES) rejects, as a spawn 'error' would be emitted. */
export async function launchProcess(path: string, args: string[], o: LaunchOptions): Promise<LaunchedProcess> {
  const pipes = makePipes(o.stdio);
  if (pipes) {
    let pid: number | 'unavailable';
    try {
      pid = await spawnNoFork(path, args, {
        stdio: pipes.childFds,
        cwd: o.cwd,
        env: o.env ?? process.env,
        setsid: o.detached,
        processGroup: o.processGroup,
      });
    } catch (err) {
      pipes.ends.forEach((e) => e?.destroy());
      throw err;
    } finally {
      // Only the child holds its ends now: an output's end of file is the child's end (and its descendants').
      pipes.childEnds.forEach((fd) => closeSync(fd));
    }
    if (pid !== 'unavailable') return new NoForkChild(pid, pipes.ends, o.longLived);
    pipes.ends.forEach((e) => e?.destroy());
  }
  const child: ChildProcess = spawn(path, args, {
    stdio: o.stdio.map((s) => (s === 'input' ? 'pipe' : s)),
    cwd: o.cwd,
    env: o.env ?? process.env,
    detached: o.detached || o.processGroup,
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return child;
}
