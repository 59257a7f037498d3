// Test-only fault hook: with BERTH_TEST_CRASH_AT=<point> in its environment, berthd kills itself (SIGKILL, as a
// `kill -9` would) when a container or volume removal reaches that point (engine/containers/ports.ts
// RemovalCrashPoint, engine/volumes/volume-service.ts VolumeRemovalCrashPoint), so crash tests hit a window
// deterministically. Off unless set; a name that is no point stops the start.
import type { Logger } from '../lib/logger.js';
import type { RemovalCrashPoint } from '../engine/containers/ports.js';
import type { VolumeRemovalCrashPoint } from '../engine/volumes/volume-service.js';

export const TEST_CRASH_ENV = 'BERTH_TEST_CRASH_AT';
type CrashPoint = RemovalCrashPoint | VolumeRemovalCrashPoint;
const POINTS: readonly CrashPoint[] = ['removal-begun', 'record-deleted', 'volume-set-aside', 'volume-record-deleted'];

export function testCrashPoint(env: NodeJS.ProcessEnv, logger: Logger): ((point: CrashPoint) => void) | undefined {
  const wanted = env[TEST_CRASH_ENV];
  if (!wanted) return undefined;
  if (!POINTS.includes(wanted as CrashPoint))
    throw new Error(`${TEST_CRASH_ENV}=${wanted}: no such crash point (${POINTS.join(', ')})`);
  logger.warn({ point: wanted }, `${TEST_CRASH_ENV} is set: this daemon kills itself at that point (tests only)`);
  return (point) => {
    if (point === wanted) process.kill(process.pid, 'SIGKILL');
  };
}
