// Runs a command, times it from spawn to exit, and captures (or just counts) what it prints.
import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Bytes written to stdout (also counted when stdout is not kept). */
  stdoutBytes: number;
  /** Wall-clock milliseconds from spawn to exit. */
  ms: number;
}

export interface ExecOptions {
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Count stdout bytes but drop the data (large log streams). */
  discardStdout?: boolean;
}

export function exec(command: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 300_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let stdoutBytes = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (!options.discardStdout) out.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
        ms,
      });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** A one-line description of a failed command, for error messages and the report. */
export function describeFailure(what: string, result: ExecResult): string {
  const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | ');
  return `${what} exited ${result.code ?? result.signal}: ${detail.slice(0, 300)}`;
}

/** Runs a command and throws unless it exits 0; returns the result. */
export async function execOk(command: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const result = await exec(command, args, options);
  if (result.code !== 0) throw new Error(describeFailure(`${command} ${args.slice(0, 4).join(' ')}`, result));
  return result;
}
