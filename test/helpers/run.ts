// Runs a client (the real docker CLI, or berth's own) against a test daemon and captures its output.
import { spawn } from 'node:child_process';
import { BERTH } from './daemon.js';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs?: number;
}

export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(options.input);
  });
}

/** The real docker CLI. */
export const docker = (
  env: NodeJS.ProcessEnv,
  args: string[],
  options: Omit<RunOptions, 'env'> = {},
): Promise<RunResult> => run('docker', args, { ...options, env: { ...env, DOCKER_CLI_HINTS: 'false' } });

/** berth's own CLI. */
export const berth = (
  env: NodeJS.ProcessEnv,
  args: string[],
  options: Omit<RunOptions, 'env'> = {},
): Promise<RunResult> => run(process.execPath, [BERTH, ...args], { ...options, env });
