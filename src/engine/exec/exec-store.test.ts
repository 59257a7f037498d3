// When exec records go, on a clock moved by hand: a finished one is marked by the first sweep after its end and
// dropped by the next (dockerd's 5-minute two-tick order), with no later exec needed; live ones stay while their
// container does; a container's stop drops its never-started execs, its removal all of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../lib/manual-clock.js';
import type { Clock } from '../../lib/clock.js';
import type { ExecRecord } from './exec-record.js';
import { EXEC_SWEEP_INTERVAL_MS, ExecStore } from './exec-store.js';

const MIN = 60 * 1000;

function record(id: string, containerId: string, state: 'created' | 'running' | 'exited'): ExecRecord {
  return {
    id,
    containerId,
    cmd: ['true'],
    env: [],
    user: '',
    workingDir: '',
    tty: false,
    attachStdin: false,
    attachStdout: false,
    attachStderr: false,
    privileged: false,
    detachKeys: '',
    consoleSize: undefined,
    running: state === 'running',
    started: state !== 'created',
    exitCode: state === 'exited' ? 0 : null,
    pid: 0,
    exitedAt: undefined,
    canRemove: false,
    process: undefined,
    pendingSize: undefined,
  };
}

function setup() {
  const clock = new ManualClock(0);
  const containers = new Set(['c1', 'c2']);
  const store = new ExecStore(clock, (id) => containers.has(id));
  return { clock, containers, store };
}

test('a finished exec is marked by the first sweep after its end and dropped by the next, with no exec after it', async () => {
  const { clock, store } = setup();
  const r = record('e1', 'c1', 'running');
  store.add(r);
  assert.deepEqual(clock.delays(), [EXEC_SWEEP_INTERVAL_MS]);
  await clock.advance(2 * MIN);
  r.running = false;
  r.exitCode = 3;
  await clock.advance(3 * MIN); // first sweep, 3 minutes after the end
  assert.equal(store.get('e1')?.canRemove, true);
  await clock.advance(5 * MIN - 1);
  assert.equal(store.get('e1'), r);
  await clock.advance(1); // second sweep
  assert.equal(store.get('e1'), undefined);
  assert.equal(store.size, 0);
  assert.deepEqual(clock.delays(), [], 'no timer once nothing is held');
  // A new record arms the sweep again.
  store.add(record('e2', 'c1', 'exited'));
  assert.deepEqual(clock.delays(), [EXEC_SWEEP_INTERVAL_MS]);
});

test('created and running execs stay while their container does; they are its ExecIDs, finished ones are not', async () => {
  const { clock, store } = setup();
  store.add(record('created', 'c1', 'created'));
  store.add(record('running', 'c1', 'running'));
  store.add(record('done', 'c1', 'exited'));
  store.add(record('other', 'c2', 'running'));
  assert.deepEqual(store.liveIds('c1'), ['created', 'running']);
  assert.deepEqual(store.runningIds('c1'), ['running']);
  await clock.advance(60 * MIN);
  assert.deepEqual(store.liveIds('c1'), ['created', 'running']);
  assert.equal(store.get('created')?.canRemove, false);
  assert.equal(store.get('done'), undefined);
  assert.deepEqual(clock.delays(), [EXEC_SWEEP_INTERVAL_MS], 'the sweep goes on while records exist');
});

test("a container's stop drops its never-started execs; its removal drops all of them", () => {
  const { store } = setup();
  for (const [id, state] of [
    ['created', 'created'],
    ['running', 'running'],
    ['done', 'exited'],
  ] as const)
    store.add(record(id, 'c1', state));
  store.add(record('other', 'c2', 'created'));
  store.containerStopped('c1');
  assert.equal(store.get('created'), undefined);
  assert.ok(store.get('running') && store.get('done') && store.get('other'));
  store.containerRemoved('c1');
  assert.equal(store.get('running'), undefined);
  assert.equal(store.get('done'), undefined);
  assert.ok(store.get('other'));
  assert.equal(store.size, 1);
});

test('a record whose container went unannounced is not found, and the sweep drops it', async () => {
  const { clock, containers, store } = setup();
  store.add(record('a', 'c1', 'running'));
  store.add(record('b', 'c1', 'created'));
  containers.delete('c1');
  assert.equal(store.get('a'), undefined);
  assert.equal(store.size, 1);
  await clock.advance(EXEC_SWEEP_INTERVAL_MS);
  assert.equal(store.size, 0);
});

test("the sweep's timer does not keep the process alive, and close() stops it", async () => {
  const manual = new ManualClock(0);
  const asked: ({ unref?: boolean } | undefined)[] = [];
  const clock: Clock = {
    now: () => manual.now(),
    timestamp: () => manual.timestamp(),
    setTimeout: (fn, ms, options) => {
      asked.push(options);
      return manual.setTimeout(fn, ms);
    },
    clearTimeout: (id) => manual.clearTimeout(id),
  };
  const store = new ExecStore(clock, () => true);
  store.add(record('e', 'c1', 'exited'));
  assert.deepEqual(asked, [{ unref: true }]);
  store.close();
  assert.deepEqual(manual.delays(), []);
  store.add(record('f', 'c1', 'exited'));
  assert.deepEqual(manual.delays(), [], 'not armed again after close');
});
