import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatestRun } from './latest-run.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('callers during a run share one next run, which sees the state of their calls', async () => {
  let state = 0;
  const seen: number[] = [];
  let active = 0;
  let maxActive = 0;
  const release: (() => void)[] = [];
  const runs = new LatestRun(async () => {
    active++;
    maxActive = Math.max(maxActive, active);
    seen.push(state);
    await new Promise<void>((r) => release.push(r));
    active--;
  });
  state = 1;
  const first = runs.run();
  await tick();
  // Ten callers change the state while the first run is under way: one more run serves them all.
  const later = Array.from({ length: 10 }, () => {
    state++;
    return runs.run();
  });
  assert.equal(new Set(later).size, 1);
  release.shift()?.();
  await first;
  await tick();
  assert.deepEqual(seen, [1, 11]);
  release.shift()?.();
  await Promise.all(later);
  assert.equal(maxActive, 1);
  // Idle again: a new call starts a new run.
  const again = runs.run();
  await tick();
  release.shift()?.();
  await again;
  assert.deepEqual(seen, [1, 11, 11]);
});

test('a failed run rejects its callers only; the next run still happens', async () => {
  let fail = true;
  let count = 0;
  const runs = new LatestRun(async () => {
    count++;
    await tick();
    if (fail) throw new Error('iptables-restore failed');
  });
  const first = runs.run();
  const second = runs.run();
  assert.equal(first, second);
  await assert.rejects(first, /iptables-restore failed/);
  fail = false;
  await runs.run();
  assert.equal(count, 2);
});
