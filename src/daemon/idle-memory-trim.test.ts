import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDLE_TRIM_PERIOD_MS, IdleMemoryTrimmer } from './idle-memory-trim.js';
import { silentLogger } from '../lib/logger.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('trims once after a burst of requests ends, never while they keep coming, never when idle all along', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  let trims = 0;
  const trimmer = new IdleMemoryTrimmer(async () => {
    trims++;
    return true;
  }, silentLogger());
  trimmer.start();
  const period = async (busy: boolean): Promise<void> => {
    if (busy) trimmer.noteActivity();
    t.mock.timers.tick(IDLE_TRIM_PERIOD_MS);
    await settle();
  };
  await period(false);
  await period(false);
  assert.equal(trims, 0, 'no request yet: nothing to give back');
  await period(true);
  await period(true);
  await period(true);
  assert.equal(trims, 0, 'busy: not trimmed');
  await period(false);
  assert.equal(trims, 1, 'the first quiet period after the burst trims');
  await period(false);
  await period(false);
  assert.equal(trims, 1, 'once per burst');
  await period(true);
  await period(false);
  assert.equal(trims, 2);
  trimmer.stop();
});
