// ExecService's TTY resize around the start, against a runtime whose exec we hold: the start's response head goes
// out before the process runs, so a client may resize before the TTY exists; the size is held, then applied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../lib/logger.js';
import { nullPublisher } from '../../core/events/event.js';
import { isKind } from '../../core/errdefs.js';
import type { ContainerRecord } from '../../core/containers/container-record.js';
import type { ContainerStore } from '../../core/containers/container-store.js';
import type { ConsoleSize, ExecProcess, ExecRequest, RuntimePort } from '../../core/runtime/runtime.js';
import { ManualClock } from '../../lib/manual-clock.js';
import { ExecService } from './exec-service.js';
import { EXEC_SWEEP_INTERVAL_MS } from './exec-store.js';

const ID = 'c'.repeat(64);

function setup(clock?: ManualClock) {
  let removed = false;
  const container = {
    id: ID,
    name: '/box',
    image: 'busybox',
    config: {},
    state: { status: 'running' },
  } as unknown as ContainerRecord;
  const store = {
    get: (id: string) => (id === ID && !removed ? container : undefined),
    findByName: () => undefined,
    findByIdPrefix: () => [],
  };
  const sizes: ConsoleSize[] = [];
  let exit: (code: number) => void = () => undefined;
  const process: ExecProcess = {
    pid: 42,
    stdio: {
      output: (async function* () {})(),
      write: () => undefined,
      endInput: () => undefined,
      close: () => undefined,
    },
    exit: new Promise<number>((resolve) => (exit = resolve)),
    resize: async (size) => void sizes.push(size),
    kill: () => exit(137),
  };
  let runExec: (p: ExecProcess | Error) => void = () => undefined;
  const requests: ExecRequest[] = [];
  const runtime = {
    exec: (_id: string, request: ExecRequest) =>
      new Promise<ExecProcess>((resolve, reject) => {
        requests.push(request);
        runExec = (p) => (p instanceof Error ? reject(p) : resolve(p));
      }),
  } as unknown as RuntimePort;
  const execs = new ExecService({
    store: store as unknown as ContainerStore,
    runtime,
    events: nullPublisher,
    logger: silentLogger(),
    ...(clock ? { clock } : {}),
  });
  const { id } = execs.create(ID, { Cmd: ['sh'], Tty: true, AttachStdin: true, AttachStdout: true });
  return {
    execs,
    id,
    sizes,
    requests,
    process,
    runExec: (p: ExecProcess | Error) => runExec(p),
    exit: (code: number) => exit(code),
    /** The container's record goes (as its removal does), with or without telling the exec service. */
    remove: (tell: boolean) => {
      removed = true;
      if (tell) execs.containerRemoved(ID);
    },
  };
}

test('a resize sent while the exec starts is applied once its TTY exists', async () => {
  const t = setup();
  const started = t.execs.start(t.id);
  await t.execs.resize(t.id, { height: 40, width: 120 });
  assert.deepEqual(t.sizes, []);
  t.runExec(t.process);
  await started;
  assert.deepEqual(t.sizes, [{ height: 40, width: 120 }]);
  await t.execs.resize(t.id, { height: 41, width: 121 });
  assert.deepEqual(t.sizes, [
    { height: 40, width: 120 },
    { height: 41, width: 121 },
  ]);
  t.exit(0);
});

test('a resize sent before the start is the size the TTY starts with; a size in the start request wins', async () => {
  const t = setup();
  await t.execs.resize(t.id, { height: 30, width: 90 });
  const started = t.execs.start(t.id);
  t.runExec(t.process);
  await started;
  assert.deepEqual(
    t.requests.map((r) => r.consoleSize),
    [{ height: 30, width: 90 }],
  );
  assert.deepEqual(t.sizes, []);
  t.exit(0);
  const u = setup();
  await u.execs.resize(u.id, { height: 30, width: 90 });
  const own = u.execs.start(u.id, { consoleSize: { height: 50, width: 150 } });
  u.runExec(u.process);
  await own;
  assert.deepEqual(
    u.requests.map((r) => r.consoleSize),
    [{ height: 50, width: 150 }],
  );
  u.exit(0);
});

test('a resize of an exec whose start failed, or that exited, is refused', async () => {
  const failed = setup();
  const start = failed.execs.start(failed.id);
  failed.runExec(new Error('exec failed: no such file'));
  await assert.rejects(start);
  await assert.rejects(failed.execs.resize(failed.id, { height: 30, width: 90 }), (err: unknown) =>
    isKind(err, 'Conflict'),
  );
  const exited = setup();
  const session = exited.execs.start(exited.id);
  exited.runExec(exited.process);
  exited.exit(0);
  await (
    await session
  ).exited;
  await assert.rejects(exited.execs.resize(exited.id, { height: 1, width: 1 }), (err: unknown) =>
    isKind(err, 'Conflict'),
  );
  assert.deepEqual(exited.sizes, []);
});

test('a finished exec shows CanRemove after one sweep and is gone after the next, with no exec after it', async () => {
  const clock = new ManualClock();
  const t = setup(clock);
  const session = t.execs.start(t.id);
  t.runExec(t.process);
  t.exit(0);
  await (
    await session
  ).exited;
  assert.deepEqual([t.execs.inspect(t.id).ExitCode, t.execs.inspect(t.id).CanRemove], [0, false]);
  assert.deepEqual(t.execs.idsOf(ID), []);
  await clock.advance(EXEC_SWEEP_INTERVAL_MS);
  assert.equal(t.execs.inspect(t.id).CanRemove, true);
  await clock.advance(EXEC_SWEEP_INTERVAL_MS);
  assert.throws(
    () => t.execs.inspect(t.id),
    (err: unknown) => isKind(err, 'NotFound') && (err as Error).message === `No such exec instance: ${t.id}`,
  );
  assert.deepEqual(clock.delays(), []);
});

test('an exec of a removed container is not found, told or not; a stop drops the never-started ones', async () => {
  for (const tell of [true, false]) {
    const t = setup(new ManualClock());
    assert.deepEqual(t.execs.idsOf(ID), [t.id]);
    t.remove(tell);
    for (const call of [() => t.execs.inspect(t.id), () => t.execs.assertStartable(t.id)])
      assert.throws(
        call,
        (err: unknown) => isKind(err, 'NotFound') && (err as Error).message === `No such exec instance: ${t.id}`,
      );
    await assert.rejects(t.execs.resize(t.id, { height: 1, width: 1 }), (err: unknown) => isKind(err, 'NotFound'));
  }
  const s = setup(new ManualClock());
  s.execs.containerStopped(ID);
  assert.throws(
    () => s.execs.inspect(s.id),
    (err: unknown) => isKind(err, 'NotFound'),
  );
  assert.deepEqual(s.execs.idsOf(ID), []);
});
