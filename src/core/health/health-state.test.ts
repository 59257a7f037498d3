import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyProbeResult, probeOutput, startingHealth, type HealthLogEntry } from './health-state.js';
import { probeSpec, validateHealthConfig } from './health-config.js';

const at = (ms: number, code: number): HealthLogEntry => ({
  Start: new Date(ms).toISOString(),
  End: new Date(ms + 1).toISOString(),
  ExitCode: code,
  Output: '',
});

test('health: a pass is healthy, failures count to retries, the start period forgives while starting', () => {
  const opts = { retries: 2, startPeriodMs: 1000, startedAtMs: 0 };
  let s = startingHealth(undefined);
  s = applyProbeResult(s, at(500, 1), opts);
  assert.deepEqual([s.Status, s.FailingStreak], ['starting', 0]);
  s = applyProbeResult(s, at(1500, 1), opts);
  assert.deepEqual([s.Status, s.FailingStreak], ['starting', 1]);
  s = applyProbeResult(s, at(2500, 1), opts);
  assert.deepEqual([s.Status, s.FailingStreak], ['unhealthy', 2]);
  s = applyProbeResult(s, at(3500, 0), opts);
  assert.deepEqual([s.Status, s.FailingStreak], ['healthy', 0]);
  for (let i = 0; i < 10; i++) s = applyProbeResult(s, at(4000 + i, 0), opts);
  assert.equal(s.Log.length, 5);
});

test('health: output cut at 4096 bytes with "..."; CMD-SHELL through the shell; Docker validation', () => {
  assert.equal(probeOutput('x'.repeat(5000)), `${'x'.repeat(4096)}...`);
  assert.equal(probeOutput('ok\n'), 'ok\n');
  assert.deepEqual(probeSpec({ Healthcheck: { Test: ['CMD-SHELL', 'exit 0'] } })?.cmd, ['/bin/sh', '-c', 'exit 0']);
  assert.deepEqual(probeSpec({ Healthcheck: { Test: ['CMD', 'true'], Interval: 1e9 } }), {
    cmd: ['true'],
    intervalMs: 1000,
    timeoutMs: 30000,
    startPeriodMs: 0,
    startIntervalMs: 5000,
    retries: 3,
  });
  assert.equal(probeSpec({ Healthcheck: { Test: ['NONE'] } }), undefined);
  assert.throws(() => validateHealthConfig({ Interval: 10 }), /Interval in Healthcheck cannot be less than 1ms/);
  assert.throws(() => validateHealthConfig({ Retries: -1 }), /Retries in Healthcheck cannot be negative/);
});

test('Go duration strings for timeout messages', async () => {
  const { goDuration } = await import('./go-duration.js');
  assert.deepEqual([500, 1000, 1500, 30000, 90000, 3600000].map(goDuration), [
    '500ms',
    '1s',
    '1.5s',
    '30s',
    '1m30s',
    '1h0m0s',
  ]);
});
