// The test side of berthd's test-only pause points (src/daemon/test-pause-point.ts): arm a point, wait until a
// request is held there, send the rival request, release it. No sleeps: the waits watch the directory.
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { whenExists } from '../../src/lib/when-exists.js';

export interface PausePoints {
  dir: string;
  /** berthd's environment for these points. */
  env: NodeJS.ProcessEnv;
  /** The next request reaching `point` is held there. */
  arm(point: string): void;
  /** Resolves once a request is held at `point`. */
  reached(point: string): Promise<void>;
  release(point: string): void;
}

export async function pausePoints(points: string[]): Promise<PausePoints> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-pause-'));
  return {
    dir,
    env: { BERTH_TEST_PAUSE_AT: points.join(','), BERTH_TEST_PAUSE_DIR: dir },
    arm: (point) => writeFileSync(join(dir, `${point}.hold`), ''),
    reached: (point) => whenExists(join(dir, `${point}.reached`), dir),
    release: (point) => writeFileSync(join(dir, `${point}.release`), ''),
  };
}
