// Test-only hold hook: with BERTH_TEST_PAUSE_AT=<point>[,<point>...] and BERTH_TEST_PAUSE_DIR=<dir> in its
// environment, a request reaching a named point while <dir>/<point>.hold exists is held there: the hold file is taken
// (so one request is held each time a test arms it), <dir>/<point>.reached is written, and the request goes on once
// <dir>/<point>.release exists (both files are removed then). A race test sends its rival request inside the window,
// with no sleeps (test/helpers/pause-point.ts). Off unless set; a name that is no point, or no directory, stops the
// start. The points: engine/volumes/volume-service.ts CreatePausePoint, engine/containers/ports.ts CreateRecordPausePoint
// and StopPausePoint, engine/networks/types.ts NetworkPausePoint, drivers/runtime-runc/conmon-runtime.ts RunPausePoint.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../lib/logger.js';
import type { CreatePausePoint } from '../engine/volumes/volume-service.js';
import type { CreateRecordPausePoint, StopPausePoint } from '../engine/containers/ports.js';
import type { NetworkPausePoint } from '../engine/networks/types.js';
import type { RunPausePoint } from '../drivers/runtime-runc/conmon-runtime.js';
import { whenExists } from '../lib/when-exists.js';

export const TEST_PAUSE_ENV = 'BERTH_TEST_PAUSE_AT';
export const TEST_PAUSE_DIR_ENV = 'BERTH_TEST_PAUSE_DIR';
type PausePoint = CreatePausePoint | CreateRecordPausePoint | StopPausePoint | NetworkPausePoint | RunPausePoint;
const POINTS: readonly PausePoint[] = [
  'create-volumes-referenced',
  'create-before-record',
  'stop-signalled',
  'network-remove-checked',
  'network-remove-bridge-gone',
  'network-remove-waits',
  'network-join-recorded',
  'start-rootfs-mounted',
];

export function testPausePoint(
  env: NodeJS.ProcessEnv,
  logger: Logger,
): ((point: PausePoint) => Promise<void>) | undefined {
  const wanted = env[TEST_PAUSE_ENV]?.split(',').filter(Boolean) ?? [];
  if (!wanted.length) return undefined;
  for (const name of wanted)
    if (!POINTS.includes(name as PausePoint))
      throw new Error(`${TEST_PAUSE_ENV}=${name}: no such pause point (${POINTS.join(', ')})`);
  const dir = env[TEST_PAUSE_DIR_ENV];
  if (!dir || !existsSync(dir)) throw new Error(`${TEST_PAUSE_ENV} needs ${TEST_PAUSE_DIR_ENV}, an existing directory`);
  logger.warn({ points: wanted, dir }, `${TEST_PAUSE_ENV} is set: requests can be held at those points (tests only)`);
  return async (point) => {
    if (!wanted.includes(point)) return;
    const hold = join(dir, `${point}.hold`);
    if (!existsSync(hold)) return;
    rmSync(hold, { force: true });
    const releasePath = join(dir, `${point}.release`);
    const release = whenExists(releasePath, dir);
    writeFileSync(join(dir, `${point}.reached`), '');
    await release;
    rmSync(join(dir, `${point}.reached`), { force: true });
    rmSync(releasePath, { force: true });
  };
}
