// Starting one conmon, with --sync: conmon does not fork a monitor and exit, the process launched is the monitor.
// It is launched as the leader of a process group of its own in the daemon's session (posix_spawn's SETPGROUP), so
// conmon's own setsid() fails (a group leader cannot make a session) and it stays in the daemon's session, and with
// it in the daemon's scheduler autogroup (kernel.sched_autogroup_enabled): a session of its own is a fresh autogroup,
// which a loaded 2-core machine serves late, and `runc create` under it inherited that (conmon's exec to runc's exec
// 15.2 -> 2.9 ms, n=25 each, load ~5). It still outlives the daemon: nothing ties it to the daemon's life (a kill
// -9 of the daemon leaves it to init), and a terminal's ^C to the daemon's group does not reach its group. Without
// koffi (Node's spawn) it gets a session of its own, as before. conmon writes no pid file under --sync: the daemon
// writes conmon.pid. Over _OCI_SYNCPIPE (fd 3) conmon reports {"data": <pid>} once `runc create` succeeded, or
// {"data": -1, "message": "<runc's stderr>"} when it failed. No _OCI_STARTPIPE: nothing has to happen between
// conmon's start and `runc create`. conmon's own stderr goes to a file in its state dir. The daemon reaps it once
// the container ended (lib/child-exit.ts's long-lived children: endingChild).
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { endingChild } from '../../lib/child-exit.js';
import { launchProcess } from '../../lib/launch-process.js';

export interface ConmonOptions {
  conmonPath: string;
  runcPath: string;
  runcRoot: string;
  /** The runtime's own global arguments (daemon.json runtimeArgs), after --root. */
  runtimeArgs?: string[];
  id: string;
  name: string;
  bundleDir: string;
  /** conmon's persist dir for this container: pid files, exit, oom, stderr. */
  stateDir: string;
  exitDir: string;
  socketDir: string;
  logPath: string;
  logSizeMax: number;
  tty: boolean;
  openStdin: boolean;
  /** Docker's StdinOnce without a TTY: stdin closes when the first attached client ends its input. */
  stdinOnce: boolean;
}

export function conmonArgs(o: ConmonOptions): string[] {
  return [
    '--api-version',
    '1',
    '-c',
    o.id,
    '-u',
    o.id,
    '-n',
    o.name,
    '-r',
    o.runcPath,
    '--runtime-arg',
    '--root',
    '--runtime-arg',
    o.runcRoot,
    ...(o.runtimeArgs ?? []).flatMap((a) => ['--runtime-arg', a]),
    '-b',
    o.bundleDir,
    '-p',
    join(o.stateDir, 'pidfile'),
    '-l',
    `k8s-file:${o.logPath}`,
    '--log-size-max',
    String(o.logSizeMax),
    '--exit-dir',
    o.exitDir,
    '--persist-dir',
    o.stateDir,
    '--socket-dir-path',
    o.socketDir,
    '--full-attach',
    '--log-level',
    'error',
    // No second fork: the process launched is the monitor (see the top of this file).
    '--sync',
    ...(o.tty ? ['-t'] : []),
    ...(o.openStdin ? ['-i'] : []),
    // Docker closes a container's stdin at the end of an attach only for StdinOnce without a TTY.
    ...(o.openStdin && !(o.stdinOnce && !o.tty) ? ['--leave-stdin-open'] : []),
  ];
}

export class ConmonStartError extends Error {}

/** conmon launched as the monitor: its pid (written to conmon.pid) and its sync pipe's read end. */
async function launch(o: ConmonOptions, stderrFd: number): Promise<{ pid: number; sync: Readable }> {
  const child = await launchProcess(o.conmonPath, conmonArgs(o), {
    stdio: ['ignore', 'ignore', stderrFd, 'pipe'],
    // conmon drops files (an `oom` marker) in its working directory: keep them in its own.
    cwd: o.stateDir,
    env: { ...process.env, _OCI_SYNCPIPE: '3' },
    processGroup: true,
    longLived: true,
  });
  // The monitor outlives the daemon (Node's spawn, where it stands in, must not wait for it).
  child.unref();
  const sync = child.stdio[3] as Readable;
  const path = join(o.stateDir, 'conmon.pid');
  try {
    await writeFile(`${path}.tmp`, String(child.pid));
    await rename(`${path}.tmp`, path);
  } catch (err) {
    // Without its pid on disk nothing could find it again: it goes now.
    process.kill(child.pid!, 'SIGKILL');
    endingChild(child.pid!);
    sync.destroy();
    throw err;
  }
  return { pid: child.pid!, sync };
}

/** Spawns conmon; resolves with the container's pid, or rejects with runc's (or conmon's) own words. */
export async function startConmon(
  o: ConmonOptions,
  options: { signal?: AbortSignal; onLaunched?: () => void } = {},
): Promise<number> {
  const stderrPath = join(o.stateDir, 'conmon.stderr');
  const stderrFile = await open(stderrPath, 'w');
  let sync: Readable | undefined;
  try {
    const launched = await launch(o, stderrFile.fd);
    sync = launched.sync;
    options.onLaunched?.();
    const abort = new Promise<never>((_, reject) =>
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true }),
    );
    abort.catch(() => undefined);
    const firstLine = (async (): Promise<string | undefined> => {
      for await (const line of createInterface({ input: sync })) if (line.trim()) return line;
      return undefined;
    })();
    const line = await Promise.race([firstLine, abort]);
    if (line === undefined) {
      endingChild(launched.pid);
      const text = (await readFile(stderrPath, 'utf8').catch(() => '')).trim();
      throw new ConmonStartError(text || 'conmon exited without reporting the container');
    }
    const msg = JSON.parse(line) as { data?: number; message?: string };
    if (typeof msg.data === 'number' && msg.data > 0) return msg.data;
    // runc create failed: conmon ends now.
    endingChild(launched.pid);
    throw new ConmonStartError(runcMessage(msg.message ?? ''));
  } finally {
    sync?.destroy();
    await stderrFile.close();
  }
}

/** runc logs `time=… level=error msg="runc create failed: …"`; keep just the message. */
export function runcMessage(raw: string): string {
  const lines = raw
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const picked = lines.map(
    (l) => /msg="((?:[^"\\]|\\.)*)"/.exec(l)?.[1]?.replace(/\\"/g, '"').replace(/\\\\/g, '\\') ?? l,
  );
  return picked.join('; ').trim();
}
