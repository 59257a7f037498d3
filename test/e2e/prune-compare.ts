// Shared by the prune-filter end-to-end tests: dockerd and berthd side by side (each with busybox and one
// running container that no prune may take), straight API helpers, and a comparer of what remains.
import assert from 'node:assert/strict';
import { apiRequest } from '../helpers/daemon.js';
import { docker, type RunResult } from '../helpers/run.js';
import { ENGINES, skipClients, useEngines, type Engine, type EngineName } from '../helpers/engines.js';

export const skip = skipClients();

let engine: ((name: EngineName) => Engine) | undefined;
export const daemons = (): Engine[] => ENGINES.map((name) => (engine as NonNullable<typeof engine>)(name));

/** Starts both daemons for the calling test file, each with one running container. */
export function useBothDaemons(): void {
  engine = useEngines(skip, async ({ env }) => {
    // A running container is never pruned, whatever the filters.
    await ok(env, [
      'run',
      '-d',
      '--network',
      'none',
      '--name',
      'c-running',
      '--label',
      'a=1',
      'busybox',
      'sleep',
      '600',
    ]);
  });
}

export async function ok(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await docker(env, args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

export const lines = (s: string): string[] => s.split('\n').filter(Boolean).sort();

/** What a refused request answered, daemon-neutral (Docker 20.10 capitalises "Invalid filter"). */
export const outcome = (r: RunResult): string => (r.code === 0 ? 'ok' : `${r.code}: ${r.stderr.trim().toLowerCase()}`);

/** Straight API calls (the machine is slow; a CLI process per step is not): JSON in, JSON out, status checked. */
export async function api(
  socket: string,
  method: string,
  path: string,
  json?: unknown,
): Promise<{ status: number; body: unknown }> {
  const r = await apiRequest(socket, path, { method, json });
  let body: unknown = r.body;
  try {
    body = JSON.parse(r.body);
  } catch {
    // empty or text
  }
  return { status: r.status, body };
}

export async function must(socket: string, method: string, path: string, json?: unknown): Promise<unknown> {
  const r = await api(socket, method, path, json);
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A prune's answer: "ok" or the status and message (lower case: Docker 20.10 writes "Invalid filter"). */
export async function prune(socket: string, path: string, filters: string[]): Promise<string> {
  const map: Record<string, string[]> = {};
  for (const f of filters) {
    const eq = f.indexOf('=');
    (map[f.slice(0, eq)] ??= []).push(f.slice(eq + 1));
  }
  const r = await api(socket, 'POST', `${path}?filters=${encodeURIComponent(JSON.stringify(map))}`);
  // Docker 20.10 answers 500 for a bad `until` (berth, like later Dockers, 400): compare the refusal, not its status.
  // Docker 20.10 writes "invalid filter 'k=[v]'", later ones (and berth) "invalid filter 'k=v'".
  return r.status === 200
    ? 'ok'
    : `refused: ${String((r.body as { message?: string }).message)
        .toLowerCase()
        .replace(/=\[([^\]]*)\]'/, "=$1'")}`;
}

/** Runs `cases` on both daemons side by side: set up, prune, list what remains; then compares the two. */
export async function compare(
  what: string,
  cases: string[][],
  run: (socket: string, filters: string[]) => Promise<string>,
): Promise<void> {
  const results: Record<string, string[]> = {};
  await Promise.all(
    daemons().map(async ({ name, env }) => {
      const socket = (env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');
      results[name] = [];
      for (const filters of cases)
        results[name].push(`${what} ${filters.join(' ') || '(none)'} -> ${await run(socket, filters)}`);
    }),
  );
  assert.deepEqual(results.berthd, results.dockerd);
}

export const names = (list: unknown, key: (o: Record<string, unknown>) => string): string[] =>
  (list as Record<string, unknown>[]).map(key).sort();
