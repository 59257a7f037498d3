// Create, start, stop, kill, restart and remove over the fake runtime and a manual clock: no root, no sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerStartError } from '../../core/runtime/start-error.js';
import { withLifecycleEngine } from '../../../test/helpers/lifecycle-engine.js';

const SIGTERM = 15;
const SIGKILL = 9;

test('create makes a record in created state; start runs the process once', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.create({}, 'web');
    assert.equal(e.record(id).state.status, 'created');
    assert.equal(e.record(id).name, 'web');
    assert.deepEqual(e.events.actions(id), ['create']);
    assert.equal(await e.service.start(id), true);
    const c = e.record(id);
    assert.equal(c.state.status, 'running');
    assert.equal(c.state.pid, e.runtime.processes.get(id)?.pid);
    assert.equal(e.runtime.runs.get(id), 1);
    assert.equal(await e.service.start('web'), false, 'a running container is not started twice');
    assert.equal(e.runtime.runs.get(id), 1);
    assert.deepEqual(e.events.actions(id), ['create', 'start']);
  }));

test('a process that ends by itself is recorded with its code; waits settle with it', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    const { result } = e.service.wait(id, 'not-running');
    const die = e.events.next('die', id);
    e.runtime.exit(id, 3);
    assert.equal((await die).actor.attributes.exitCode, '3');
    assert.deepEqual(await result, { StatusCode: 3, Error: null });
    const c = e.record(id);
    assert.equal(c.state.status, 'exited');
    assert.equal(c.state.exitCode, 3);
    assert.equal(c.state.pid, 0);
    assert.equal(c.manuallyStopped, false);
  }));

test('an exit ends the output followers (attach, logs -f) before it announces die, as Docker', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    const order: string[] = [];
    const drain = async (what: string, entries: AsyncIterable<unknown>): Promise<void> => {
      for await (const _ of entries);
      order.push(what);
    };
    const attach = await e.service.attachOutput(id, { stdout: true, stderr: true, logs: false, stream: true });
    const logs = await e.service.logs(id, {
      follow: true,
      stdout: true,
      stderr: true,
      sinceNano: 0n,
      untilNano: undefined,
      tail: undefined,
    });
    const ended = [drain('attach ended', attach.entries), drain('logs ended', logs.entries)];
    const die = e.events.next('die', id).then(() => order.push('die'));
    e.runtime.exit(id, 3);
    await Promise.all([...ended, die]);
    assert.deepEqual(order.slice(2), ['die'], order.join(', '));
    // A wait made once the stream ended answers with the code (docker-compose 1.29's "exited with code 3").
    assert.deepEqual(await e.service.wait(id, 'not-running').result, { StatusCode: 3, Error: null });
  }));

test('inspect never reports running a process that has ended: it waits for the exit being recorded', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    e.runtime.exit(id, 0);
    // The exit is not recorded yet (its handling runs later), but inspect answers with it.
    assert.equal(e.record(id).state.status, 'running');
    const view = await e.service.inspect(id, { size: false });
    assert.equal(view.record.state.status, 'exited');
    assert.equal(view.record.state.exitCode, 0);
  }));

test('stop sends the stop signal and records the exit; the container is marked stopped by hand', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run({ StopSignal: 'SIGINT' });
    assert.equal(await e.service.stop(id, {}), true);
    assert.deepEqual(e.runtime.signals, [{ id, signal: 2 }]);
    const c = e.record(id);
    assert.equal(c.state.status, 'exited');
    assert.equal(c.state.exitCode, 130);
    assert.equal(c.manuallyStopped, true);
    assert.ok(e.events.actions(id).includes('die') && e.events.actions(id).at(-1) === 'stop');
    assert.equal(await e.service.stop(id, {}), false, 'stopping a stopped container does nothing');
  }));

test('stop waits out the timeout on the clock, then kills a process that ignores the signal', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    e.runtime.ignoreSignal(id, SIGTERM);
    const armed = e.clock.nextTimer();
    const stopped = e.service.stop(id, { timeoutSeconds: 5 });
    assert.equal(await armed, 5000);
    assert.deepEqual(e.runtime.signals, [{ id, signal: SIGTERM }]);
    await e.clock.advance(4999);
    assert.equal(e.record(id).state.status, 'running', 'still running before the timeout');
    const kill = e.runtime.nextSignal(id);
    await e.clock.advance(1);
    assert.equal(await kill, SIGKILL);
    assert.equal(await stopped, true);
    assert.equal(e.record(id).state.exitCode, 137);
  }));

test('stop -t 0 sends the stop signal, then SIGKILL at once, each a kill event (as dockerd 20.10)', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    e.runtime.ignoreSignal(id, SIGTERM);
    assert.equal(await e.service.stop(id, { timeoutSeconds: 0 }), true);
    assert.deepEqual(
      e.runtime.signals.map((s) => s.signal),
      [SIGTERM, SIGKILL],
    );
    assert.deepEqual(
      e.events.list.filter((ev) => ev.action === 'kill').map((ev) => ev.actor.attributes.signal),
      ['15', '9'],
    );
    assert.equal(e.record(id).state.exitCode, 137);
  }));

test('a stop waiting out its timeout holds no lock: start finds it running, kill ends it, the stop answers', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    e.runtime.ignoreSignal(id, SIGTERM);
    const armed = e.clock.nextTimer();
    const stopped = e.service.stop(id, { timeoutSeconds: 5 });
    assert.equal(await armed, 5000);
    assert.equal(await e.service.start(id), false, 'a start meanwhile finds it running');
    await e.service.kill(id, undefined);
    assert.equal(await stopped, true);
    assert.equal(e.record(id).state.exitCode, 137);
    assert.equal(await e.service.start(id), true, 'the next run');
    await e.clock.advance(5000);
    assert.equal(e.record(id).state.status, 'running', "the stale stop's timeout does not kill the next run");
    assert.deepEqual(
      e.runtime.signals.map((s) => s.signal),
      [SIGTERM, SIGKILL],
    );
  }));

test('an rm -f while a stop waits removes the container; the stop answers, its timeout kills nothing', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    e.runtime.ignoreSignal(id, SIGTERM);
    const armed = e.clock.nextTimer();
    const stopped = e.service.stop(id, { timeoutSeconds: 5 });
    await armed;
    await e.service.remove(id, { force: true, volumes: false });
    assert.equal(await stopped, true);
    assert.equal(e.store.get(id), undefined);
    await e.clock.advance(5000);
    assert.deepEqual(
      e.runtime.signals.map((s) => s.signal),
      [SIGTERM, SIGKILL],
    );
  }));

test('kill sends the signal; SIGKILL waits for the exit to be recorded; a stopped container cannot be killed', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    e.runtime.ignoreSignal(id, 1);
    await e.service.kill(id, 'SIGHUP');
    assert.equal(e.record(id).state.status, 'running', 'a signal the program handles leaves it running');
    await e.service.kill(id, undefined);
    assert.equal(e.record(id).state.status, 'exited');
    assert.equal(e.record(id).state.exitCode, 137);
    assert.deepEqual(
      e.runtime.signals.map((s) => s.signal),
      [1, SIGKILL],
    );
    await assert.rejects(e.service.kill(id, 'SIGKILL'), (err: { kind?: string }) => err.kind === 'Conflict');
  }));

test('a start that fails records the typed error (127) and a die event, and rethrows it', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.create();
    e.runtime.failNextRun(id, new ContainerStartError('not-found', 'exec: "nope": executable file not found in $PATH'));
    await assert.rejects(
      e.service.start(id),
      (err: Error & { kind?: string }) => err.kind === 'InvalidArgument' && /not found/.test(err.message),
    );
    const c = e.record(id);
    assert.equal(c.state.status, 'created');
    assert.equal(c.state.exitCode, 127);
    assert.match(c.state.error, /executable file not found/);
    assert.equal(e.events.list.find((ev) => ev.action === 'die')?.actor.attributes.exitCode, '127');
    assert.equal(await e.service.start(id), true, 'the next start can succeed');
  }));

test('restart stops and starts again, publishing restart', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    await e.service.restart(id, {});
    assert.equal(e.runtime.runs.get(id), 2);
    assert.equal(e.record(id).state.status, 'running');
    assert.equal(e.events.actions(id).at(-1), 'restart');
  }));

test('remove refuses a running container without force; with force it kills and removes every trace', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    await assert.rejects(
      e.service.remove(id, { force: false, volumes: false }),
      (err: { kind?: string }) => err.kind === 'Conflict',
    );
    assert.equal(e.record(id).state.status, 'running', 'a refused removal changes nothing');
    const { result } = e.service.wait(id, 'removed');
    await e.service.remove(id, { force: true, volumes: false });
    assert.equal(e.store.get(id), undefined);
    assert.equal(e.runtime.processes.has(id), false);
    assert.equal(e.snapshots.snapshots.size, 0);
    assert.equal((await result).StatusCode, 137);
    assert.deepEqual(e.events.actions(id).slice(-3), ['kill', 'die', 'destroy'], "dockerd's rm -f events");
  }));

test('rm -v and AutoRemove: a waiter for removed is answered only once the anonymous volumes are gone', () =>
  withLifecycleEngine(async (e) => {
    for (const answerBeforeFiles of [false, true]) {
      const id = await e.run({ Volumes: { '/data': {} } });
      assert.equal(e.volumeNames().length, 1, 'an anonymous volume made at create');
      const left = e.service.wait(id, 'removed').result.then(() => e.volumeNames());
      await e.service.remove(id, { force: true, volumes: true, answerBeforeFiles });
      assert.deepEqual(await left, [], `answerBeforeFiles ${answerBeforeFiles}`);
    }
  }));

test('rm without -v keeps the anonymous volume', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run({ Volumes: { '/data': {} } });
    const names = e.volumeNames();
    await e.service.remove(id, { force: true, volumes: false });
    assert.deepEqual(e.volumeNames(), names);
  }));
