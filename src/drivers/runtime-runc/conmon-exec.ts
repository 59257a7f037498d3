// `docker exec` under its own conmon (`--exec --exec-attach`, api version 1), so the process gets a real TTY when
// asked, its stdio goes through the same attach socket as a container's, and it outlives the daemon like the
// container does. The handshake over three inherited pipes:
//   start pipe (fd 4): we write once so conmon forks; it sets up <execDir>/attach and says {"data":0} on the
//   attach pipe (fd 5); we connect, then write again and conmon runs `runc exec --detach`. The sync pipe (fd 3)
//   then carries {"data":<pid>} (or a negative number and runc's message), and at the end {"data":<exit code>}
//   once every byte of output went to the attach socket. conmon also writes the code to <execDir>/exit, read
//   when the sync pipe closes early.
// conmon is launched without a fork of the daemon (lib/launch-process.ts).
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ConsoleSize, ExecProcess } from '../../core/runtime/runtime.js';
import { connectAttachSocket } from './attach-socket.js';
import { requestResize } from './conmon-ctl.js';
import { runcMessage } from './conmon-process.js';
import { execStartError } from './exec-start-error.js';
import { signalExec } from './exec-signal.js';
import { phase } from '../../lib/phases.js';
import { launchProcess } from '../../lib/launch-process.js';

export interface ConmonExecOptions {
  conmonPath: string;
  runcPath: string;
  runcRoot: string;
  /** The runtime's own global arguments (daemon.json runtimeArgs), after --root. */
  runtimeArgs?: string[];
  containerId: string;
  execId: string;
  /** conmon's bundle and persist dir for this exec: attach socket, ctl FIFO, pid files, exit. */
  execDir: string;
  processSpecPath: string;
  tty: boolean;
  stdin: boolean;
}

interface SyncMessage {
  data: number;
  message?: string;
}

export function conmonExecArgs(o: ConmonExecOptions): string[] {
  return [
    '--api-version',
    '1',
    '-c',
    o.containerId,
    '-u',
    o.execId,
    '-n',
    o.execId,
    '-r',
    o.runcPath,
    '--runtime-arg',
    '--root',
    '--runtime-arg',
    o.runcRoot,
    ...(o.runtimeArgs ?? []).flatMap((a) => ['--runtime-arg', a]),
    '-b',
    o.execDir,
    '--persist-dir',
    o.execDir,
    '-p',
    join(o.execDir, 'pid'),
    '-P',
    join(o.execDir, 'conmon.pid'),
    '--exec',
    '--exec-attach',
    '--exec-process-spec',
    o.processSpecPath,
    '-l',
    'none',
    '--full-attach',
    '--socket-dir-path',
    o.execDir,
    '--log-level',
    'error',
    ...(o.tty ? ['-t'] : []),
    ...(o.stdin ? ['-i'] : []),
  ];
}

/** JSON lines from one of conmon's pipes. */
async function* messages(stream: Readable): AsyncGenerator<SyncMessage> {
  for await (const line of createInterface({ input: stream })) {
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line) as SyncMessage;
    } catch {
      /* not a message */
    }
  }
}

export async function startConmonExec(
  o: ConmonExecOptions,
  options: { signal?: AbortSignal } = {},
): Promise<ExecProcess> {
  const stderrPath = join(o.execDir, 'conmon.stderr');
  const stderrFile = await open(stderrPath, 'w');
  const child = await launchProcess(o.conmonPath, conmonExecArgs(o), {
    detached: true,
    cwd: o.execDir,
    stdio: ['ignore', 'ignore', stderrFile.fd, 'pipe', 'input', 'pipe'],
    env: { ...process.env, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4', _OCI_ATTACHPIPE: '5' },
  }).finally(() => stderrFile.close());
  child.unref();
  const pipes = child.stdio as unknown as (Readable & Writable)[];
  const [sync, start, attach] = [pipes[3] as Readable, pipes[4] as Writable, pipes[5] as Readable];
  const closePipes = (): void => {
    sync.destroy();
    start.destroy();
    attach.destroy();
  };
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);
  const conmonWords = async (): Promise<string> => (await readFile(stderrPath, 'utf8').catch(() => '')).trim();
  const syncMessages = messages(sync);
  const onAbort = (): void => {
    closePipes();
    child.kill('SIGKILL');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    start.write('0');
    const attachReady = await Promise.race([messages(attach).next(), spawnError]);
    if (attachReady.done)
      throw new Error(runcMessage(await conmonWords()) || 'conmon exited before the exec could attach');
    phase('conmon-attach-ready');
    const stdio = await connectAttachSocket(o.execDir);
    phase('attach-socket');
    start.write('1');
    const first = await Promise.race([syncMessages.next(), spawnError]);
    if (first.done || first.value.data <= 0) {
      stdio.close();
      const words = first.done ? await conmonWords() : (first.value.message ?? '');
      throw execStartError(runcMessage(words) || 'conmon exited without starting the exec');
    }
    const pid = first.value.data;
    phase('runc-exec');
    const exit = (async (): Promise<number> => {
      try {
        for (;;) {
          const next = await syncMessages.next();
          if (next.done) break;
          return next.value.data;
        }
      } finally {
        closePipes();
      }
      const text = await readFile(join(o.execDir, 'exit'), 'utf8').catch(() => '');
      const code = Number.parseInt(text, 10);
      return Number.isInteger(code) ? code : -1;
    })();
    return {
      pid,
      stdio,
      exit,
      resize: (size: ConsoleSize) => requestResize(o.execDir, size),
      kill: (signal: number) => signalExec(pid, signal),
    };
  } catch (err) {
    closePipes();
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
