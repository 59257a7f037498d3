// Starting one conmon. Deliberately without --sync: conmon forks, its first process exits once the
// container is created, and the monitor lives on in its own session (spawn detached + unref), so it
// outlives the daemon. Over _OCI_SYNCPIPE (fd 3) conmon reports {"data": <pid>} once `runc create`
// succeeded, or {"data": -1, "message": "<runc's stderr>"} when it failed. No _OCI_STARTPIPE: nothing has
// to happen between conmon's start and `runc create`. conmon's own stderr goes to a file in its state dir. conmon
// is launched without a fork of the daemon where the C library allows (lib/launch-process.ts).
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
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
    '-P',
    join(o.stateDir, 'conmon.pid'),
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
    ...(o.tty ? ['-t'] : []),
    ...(o.openStdin ? ['-i'] : []),
    // Docker closes a container's stdin at the end of an attach only for StdinOnce without a TTY.
    ...(o.openStdin && !(o.stdinOnce && !o.tty) ? ['--leave-stdin-open'] : []),
  ];
}

export class ConmonStartError extends Error {}

/** conmon launched: its sync pipe's read end, and its first process's end (a launch failure rejects). */
interface Launched {
  sync: Readable;
  ended: Promise<void>;
}

/** conmon launched without a fork of the daemon where the C library allows (lib/launch-process.ts). */
async function launch(o: ConmonOptions, stderrFd: number): Promise<Launched> {
  const child = await launchProcess(o.conmonPath, conmonArgs(o), {
    stdio: ['ignore', 'ignore', stderrFd, 'pipe'],
    // conmon drops files (an `oom` marker) in its working directory: keep them in its own.
    cwd: o.stateDir,
    env: { ...process.env, _OCI_SYNCPIPE: '3' },
    detached: true,
  });
  // The monitor outlives the daemon; its first process exits once it has forked the monitor, and is reaped then.
  child.unref();
  return {
    sync: child.stdio[3] as Readable,
    ended: new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', () => resolve());
    }),
  };
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
    const spawnError = launched.ended.then(() => new Promise<never>(() => undefined));
    spawnError.catch(() => undefined);
    const abort = new Promise<never>((_, reject) =>
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true }),
    );
    abort.catch(() => undefined);
    const firstLine = (async (): Promise<string | undefined> => {
      for await (const line of createInterface({ input: sync })) if (line.trim()) return line;
      return undefined;
    })();
    const line = await Promise.race([firstLine, spawnError, abort]);
    if (line === undefined) {
      const text = (await readFile(stderrPath, 'utf8').catch(() => '')).trim();
      throw new ConmonStartError(text || 'conmon exited without reporting the container');
    }
    const msg = JSON.parse(line) as { data?: number; message?: string };
    if (typeof msg.data === 'number' && msg.data > 0) return msg.data;
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
