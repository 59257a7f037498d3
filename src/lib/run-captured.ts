// Running a command to its end and capturing its output, as a promisified execFile does, without forking the
// daemon (lib/launch-process.ts): resolves { stdout, stderr } when it exits 0; otherwise rejects with execFile's
// error shape (`Command failed: <cmd>\n<stderr>`, with code, signal, killed, stdout and stderr), so callers that
// read `err.stderr` keep their messages. An abort kills it with SIGTERM and rejects with an AbortError.
import { launchProcess } from './launch-process.js';

export interface RunCapturedOptions {
  signal?: AbortSignal;
  /** Bytes of stdout or stderr beyond which the process is killed and the run fails; default 16 MiB. */
  maxBuffer?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface CapturedOutput {
  stdout: string;
  stderr: string;
}

/** execFile's error: the message, exit code (or errno string), signal and both outputs. */
export interface CommandError extends Error {
  code?: number | string;
  signal?: NodeJS.Signals | null;
  killed?: boolean;
  cmd?: string;
  stdout?: string;
  stderr?: string;
}

export async function runCaptured(path: string, args: string[], o: RunCapturedOptions = {}): Promise<CapturedOutput> {
  o.signal?.throwIfAborted();
  const limit = o.maxBuffer ?? 16 * 1024 * 1024;
  const cmd = [path, ...args].join(' ');
  const child = await launchProcess(path, args, { stdio: ['ignore', 'pipe', 'pipe'], env: o.env, cwd: o.cwd });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let size = { stdout: 0, stderr: 0 };
  let failure: CommandError | undefined;
  const fail = (e: CommandError): void => {
    failure ??= e;
    // As execFile: the pipes go too, so that a descendant still holding them cannot keep the run going.
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.kill('SIGTERM');
  };
  const collect = (chunks: Buffer[], name: 'stdout' | 'stderr') => (d: Buffer) => {
    size = { ...size, [name]: size[name] + d.length };
    if (size[name] > limit)
      return fail(
        Object.assign(new RangeError(`${name} maxBuffer length exceeded`), {
          code: 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER',
        }),
      );
    chunks.push(d);
  };
  child.stdout?.on('data', collect(out, 'stdout'));
  child.stderr?.on('data', collect(err, 'stderr'));
  const onAbort = (): void =>
    fail(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
  o.signal?.addEventListener('abort', onAbort, { once: true });
  // Aborted while it was being launched.
  if (o.signal?.aborted) onAbort();
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('close', (c, s) => resolve([c, s])),
    );
    const stdout = Buffer.concat(out).toString('utf8');
    const stderr = Buffer.concat(err).toString('utf8');
    if (failure) throw Object.assign(failure, { stdout, stderr });
    if (code === 0) return { stdout, stderr };
    const e: CommandError = new Error(`Command failed: ${cmd}\n${stderr}`);
    throw Object.assign(e, { code: code ?? undefined, signal, killed: signal !== null, cmd, stdout, stderr });
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}
