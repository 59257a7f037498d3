import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLog, wallClockNano } from './event-log.js';

test('an event time is never past the wall clock read after it', () => {
  // A client's `docker events --until <now>` sent right after an action must include its event.
  for (let i = 0; i < 500; i++) {
    const t = wallClockNano();
    assert.ok(t <= BigInt(Date.now()) * 1_000_000n, `sample ${i}: ${t} is past the wall clock`);
  }
});

test('event times increase strictly within one millisecond', () => {
  const log = new EventLog(() => 5_000_000n);
  const seen: bigint[] = [];
  log.subscribe(new Map(), (e) => seen.push(e.timeNano));
  for (let i = 0; i < 3; i++) log.publish({ type: 'container', action: 'start', actor: { id: 'x', attributes: {} } });
  assert.deepEqual(seen, [5_000_000n, 5_000_001n, 5_000_002n]);
});
