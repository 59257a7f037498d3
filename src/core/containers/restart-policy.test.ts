import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextBackoff, normalizeRestartPolicy, shouldRestart, startsWithDaemon } from './restart-policy.js';

test('policies are validated with Docker-style errors', () => {
  assert.deepEqual(normalizeRestartPolicy(undefined, false), { name: 'no', maxRetries: 0 });
  assert.deepEqual(normalizeRestartPolicy({ Name: 'on-failure', MaximumRetryCount: 3 }, false), {
    name: 'on-failure',
    maxRetries: 3,
  });
  assert.throws(() => normalizeRestartPolicy({ Name: 'sometimes' as 'no' }, false), /invalid restart policy/);
  assert.throws(
    () => normalizeRestartPolicy({ Name: 'always', MaximumRetryCount: 2 }, false),
    /only be used with 'on-failure'/,
  );
  assert.throws(() => normalizeRestartPolicy({ Name: 'always' }, true), /--restart and --rm/);
});

test('who restarts after an exit', () => {
  const exit = (exitCode: number, restartCount = 0, manuallyStopped = false) => ({
    exitCode,
    restartCount,
    manuallyStopped,
  });
  assert.equal(shouldRestart({ name: 'always', maxRetries: 0 }, exit(0)), true);
  // Stopped or killed by hand: only unless-stopped heeds it (a stop's or kill's own exit is made final before).
  assert.equal(shouldRestart({ name: 'always', maxRetries: 0 }, exit(0, 0, true)), true);
  assert.equal(shouldRestart({ name: 'unless-stopped', maxRetries: 0 }, exit(0, 0, true)), false);
  assert.equal(shouldRestart({ name: 'on-failure', maxRetries: 0 }, exit(1, 0, true)), true);
  assert.equal(shouldRestart({ name: 'on-failure', maxRetries: 0 }, exit(0)), false);
  assert.equal(shouldRestart({ name: 'on-failure', maxRetries: 2 }, exit(1, 1)), true);
  assert.equal(shouldRestart({ name: 'on-failure', maxRetries: 2 }, exit(1, 2)), false);
  assert.equal(shouldRestart({ name: 'no', maxRetries: 0 }, exit(1)), false);
  assert.equal(startsWithDaemon({ name: 'unless-stopped', maxRetries: 0 }, true, 137), false);
  assert.equal(startsWithDaemon({ name: 'unless-stopped', maxRetries: 0 }, false, 0), true);
  assert.equal(startsWithDaemon({ name: 'always', maxRetries: 0 }, true, 0), true);
  assert.equal(startsWithDaemon({ name: 'on-failure', maxRetries: 2 }, true, 137), true);
  assert.equal(startsWithDaemon({ name: 'on-failure', maxRetries: 0 }, false, 0), false);
  assert.equal(startsWithDaemon({ name: 'no', maxRetries: 0 }, false, 1), false);
});

test("Docker's back-off: 100 ms doubling to a minute, reset after a 10 s run", () => {
  assert.equal(nextBackoff(0, 0), 100);
  assert.equal(nextBackoff(100, 50), 200);
  assert.equal(nextBackoff(40_000, 50), 60_000);
  assert.equal(nextBackoff(60_000, 50), 60_000);
  assert.equal(nextBackoff(6_400, 11_000), 100);
});
