// The docker CLI against an engine, with checks that turn a wrong answer into an error (never a fast time).
import { exec, describeFailure, type ExecOptions, type ExecResult } from '../lib/exec.js';
import type { Engine } from '../engines/engine.js';

export async function docker(engine: Engine, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const result = await exec('docker', args, { ...options, env: engine.env });
  if (result.code !== 0) throw new Error(describeFailure(`docker ${args[0] ?? ''}`, result));
  return result;
}

/** `docker create|run -d` printed a full container ID. */
export function containerId(result: ExecResult): string {
  const id = result.stdout.trim().split('\n').pop() ?? '';
  if (!/^[0-9a-f]{64}$/.test(id))
    throw new Error(`expected a container ID, got ${JSON.stringify(result.stdout.slice(0, 200))}`);
  return id;
}

/** Runs `task(i)` for i in [0, count) with at most `width` at a time. */
export async function inParallel(count: number, width: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}

/** Removes containers by ID, 50 to a call. */
export async function removeContainers(engine: Engine, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 50)
    await docker(engine, ['rm', '-f', ...ids.slice(i, i + 50)], { timeoutMs: 300_000 });
}

export const BUSYBOX = 'busybox:latest';
/** Until berth has networking, both engines run containers with `--network none`. */
export const NO_NETWORK = ['--network', 'none'];

/** Removes every container of the engine (after a failed sample, so the next starts clean). */
export async function removeAll(engine: Engine): Promise<void> {
  const list = await docker(engine, ['ps', '-aq', '--no-trunc']);
  await removeContainers(engine, list.stdout.split('\n').filter(Boolean));
}

/** Runs `body`; if it throws, removes every container of the engine before rethrowing. */
export async function cleaningUp<T>(engine: Engine, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    await removeAll(engine).catch(() => undefined);
    throw error;
  }
}
