// The docker CLI against berthd and Docker's engine side by side (no networking on either): the same shell
// command on both, compared after the parts that differ by nature (ids, digests, temporary roots) are masked.
// Docker's engine here is 20.10 (API 1.41) while berthd answers at 1.47: `loose` compares case-insensitively for
// messages whose case changed between the two (moby lower-cased many of its errors after 20.10).
import assert from 'node:assert/strict';
import { isRoot } from '../helpers/daemon.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { run, type RunResult } from '../helpers/run.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';

export type SideName = 'berthd' | 'dockerd';

export const skipSides: string | false = !isRoot() ? 'needs root' : !hasDockerd() ? 'needs dockerd' : false;

export interface Sides {
  env(name: SideName): NodeJS.ProcessEnv;
}

/** Starts berthd and dockerd (busybox loaded into each) before the file's tests. */
export function useSides(): Sides {
  const berthd = useDaemon(skipSides);
  const dockerd = useDockerd(skipSides);
  return { env: (name) => (name === 'berthd' ? berthd.env : dockerd.env) };
}

/** Ids, digests and temporary roots masked. */
export const mask = (s: string): string =>
  s
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<digest>')
    .replace(/\b[0-9a-f]{64}\b/g, '<id>')
    .replace(/\b[0-9a-f]{12}\b/g, '<short-id>')
    .replace(/\/tmp\/berth-(e2e|dockerd)-[A-Za-z0-9]+/g, '<root>');

/** `sh -c` with the docker CLI pointed at the side. */
export const sh = (env: NodeJS.ProcessEnv, script: string): Promise<RunResult> =>
  run('sh', ['-c', script], { env: { ...env, DOCKER_CLI_HINTS: 'false' } });

/** Runs the script on both sides at once, asserts the same exit code, stdout and stderr, and returns berthd's. */
export async function same(
  sides: Sides,
  script: string,
  options: { loose?: boolean } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [b, d] = await Promise.all([sh(sides.env('berthd'), script), sh(sides.env('dockerd'), script)]);
  const shape = (r: RunResult): [number | null, string, string] => {
    const m = (s: string): string => (options.loose ? mask(s).toLowerCase() : mask(s));
    return [r.code, m(r.stdout), m(r.stderr)];
  };
  assert.deepEqual(shape(b), shape(d), `${script}\nberthd: ${JSON.stringify(b)}\ndockerd: ${JSON.stringify(d)}`);
  return { code: b.code, stdout: mask(b.stdout), stderr: mask(b.stderr) };
}
