// Restart policies, their back-off, AutoRemove and health-driven restarts, over the fake runtime: the test
// decides when a process exits and moves the clock by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerStartError } from '../../core/runtime/start-error.js';
import { LifecycleEngine, withLifecycleEngine } from '../../../test/helpers/lifecycle-engine.js';
import type { RestartPolicy } from '../../spec/docker/containers.js';

const withPolicy = (e: LifecycleEngine, policy: RestartPolicy): Promise<string> =>
  e.run({ HostConfig: { RestartPolicy: policy } });

/**
 * The process exits with `code`; settles once the exit is recorded and the restart, if any, armed (both happen
 * in the same turn as the die event).
 */
async function exitWith(e: LifecycleEngine, id: string, code: number): Promise<void> {
  const die = e.events.next('die', id);
  e.runtime.exit(id, code);
  await die;
}

/** Moves the clock by `ms`; when a restart falls due, settles once the process runs again. */
async function advanceToRestart(e: LifecycleEngine, id: string, ms: number): Promise<void> {
  const started = e.events.next('start', id);
  await e.clock.advance(ms);
  await started;
}

test('policy no: an exit is final', () =>
  withLifecycleEngine(async (e) => {
    const id = await withPolicy(e, { Name: 'no' });
    await exitWith(e, id, 1);
    assert.equal(e.record(id).state.status, 'exited');
    assert.deepEqual(e.clock.delays(), [], 'no restart armed');
  }));

test('policy always: restarts after 100 ms, doubling while runs are short, reset by a run of 10 s', () =>
  withLifecycleEngine(async (e) => {
    const id = await withPolicy(e, { Name: 'always' });
    await exitWith(e, id, 0);
    assert.equal(e.record(id).state.status, 'restarting');
    assert.deepEqual(e.clock.delays(), [100]);
    await e.clock.advance(99);
    assert.equal(e.runtime.runs.get(id), 1, 'not before the back-off');
    await advanceToRestart(e, id, 1);
    assert.equal(e.record(id).state.status, 'running');
    assert.equal(e.record(id).restartCount, 1);
    assert.equal(e.runtime.runs.get(id), 2);

    await exitWith(e, id, 0);
    assert.deepEqual(e.clock.delays(), [200], 'a quick second exit waits twice as long');
    await advanceToRestart(e, id, 200);
    await exitWith(e, id, 0);
    assert.deepEqual(e.clock.delays(), [400]);
    await advanceToRestart(e, id, 400);

    await e.clock.advance(10_000);
    await exitWith(e, id, 0);
    assert.deepEqual(e.clock.delays(), [100], 'a run of 10 s resets the back-off');
    await advanceToRestart(e, id, 100);
    assert.equal(e.record(id).restartCount, 4);
  }));

test('the back-off stops doubling at one minute', () =>
  withLifecycleEngine(async (e) => {
    const id = await withPolicy(e, { Name: 'always' });
    const delays: number[] = [];
    for (let i = 0; i < 13; i++) {
      await exitWith(e, id, 1);
      const delay = e.clock.delays()[0] ?? -1;
      delays.push(delay);
      await advanceToRestart(e, id, delay);
    }
    assert.deepEqual(delays.slice(0, 4), [100, 200, 400, 800]);
    assert.deepEqual(delays.slice(-3), [60_000, 60_000, 60_000]);
  }));

test('policy on-failure:2: no restart after exit 0; at most two restarts after failures', () =>
  withLifecycleEngine(async (e) => {
    const clean = await withPolicy(e, { Name: 'on-failure', MaximumRetryCount: 2 });
    await exitWith(e, clean, 0);
    assert.equal(e.record(clean).state.status, 'exited');
    assert.deepEqual(e.clock.delays(), []);

    const id = await withPolicy(e, { Name: 'on-failure', MaximumRetryCount: 2 });
    await exitWith(e, id, 1);
    await advanceToRestart(e, id, 100);
    await exitWith(e, id, 1);
    await advanceToRestart(e, id, 200);
    await exitWith(e, id, 1);
    assert.equal(e.record(id).state.status, 'exited', 'the retries are used up');
    assert.equal(e.record(id).restartCount, 2);
    assert.deepEqual(e.clock.delays(), []);
  }));

test('policy unless-stopped: restarts after an exit, not after docker stop; a stop cancels a pending restart', () =>
  withLifecycleEngine(async (e) => {
    const id = await withPolicy(e, { Name: 'unless-stopped' });
    await exitWith(e, id, 2);
    assert.equal(e.record(id).state.status, 'restarting');
    assert.equal(await e.service.stop(id, {}), true, 'stopping a restarting container succeeds');
    assert.equal(e.record(id).state.status, 'exited');
    assert.deepEqual(e.clock.delays(), [], 'the pending restart is cancelled');
    await e.clock.advance(1000);
    assert.equal(e.runtime.runs.get(id), 1);

    await e.service.start(id);
    await e.service.stop(id, {});
    assert.equal(e.record(id).state.status, 'exited');
    assert.deepEqual(e.clock.delays(), [], 'no restart after docker stop');
  }));

test('a restart that fails to start leaves the container exited with the start error', () =>
  withLifecycleEngine(async (e) => {
    const id = await withPolicy(e, { Name: 'always' });
    await exitWith(e, id, 0);
    e.runtime.failNextRun(id, new ContainerStartError('cannot-run', 'permission denied'));
    const die = e.events.next('die', id);
    await e.clock.advance(100);
    assert.equal((await die).actor.attributes.exitCode, '126');
    assert.equal(e.record(id).state.status, 'exited');
    assert.equal(e.record(id).state.exitCode, 126);
  }));

test('AutoRemove: the container is removed when its process exits, and when its start fails', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run({ HostConfig: { AutoRemove: true } });
    const removed = e.service.wait(id, 'removed').result;
    e.runtime.exit(id, 0);
    assert.equal((await removed).StatusCode, 0);
    assert.equal(e.store.get(id), undefined);

    const failing = await e.create({ HostConfig: { AutoRemove: true } });
    e.runtime.failNextRun(failing, new ContainerStartError('not-found', 'executable file not found'));
    const gone = e.service.wait(failing, 'removed').result;
    await assert.rejects(e.service.start(failing));
    assert.equal((await gone).StatusCode, 127);
    assert.equal(e.store.get(failing), undefined);
  }));

const healthcheck = { Test: ['CMD', 'check'], Interval: 1_000_000_000, Retries: 1 };

test('berth.restart-on-unhealthy=true: an unhealthy container is stopped and started again', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run({ Healthcheck: healthcheck, Labels: { 'berth.restart-on-unhealthy': 'true' } });
    e.probe.result = { exitCode: 1, output: 'down', timedOut: false };
    const unhealthy = e.events.next('health_status: unhealthy', id);
    const restarted = e.events.next('restart', id);
    await e.clock.advance(1000);
    await unhealthy;
    assert.equal((await restarted).actor.attributes.reason, 'unhealthy');
    assert.equal(e.runtime.runs.get(id), 2);
    const c = e.record(id);
    assert.equal(c.state.status, 'running');
    assert.equal(c.restartCount, 1);
    assert.equal(c.state.health?.Status, 'starting', 'the new run starts its health over');
  }));

test('without the label an unhealthy container keeps running', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run({ Healthcheck: healthcheck });
    e.probe.result = { exitCode: 1, output: 'down', timedOut: false };
    const unhealthy = e.events.next('health_status: unhealthy', id);
    await e.clock.advance(1000);
    await unhealthy;
    assert.equal(e.record(id).state.health?.Status, 'unhealthy');
    assert.equal(e.runtime.runs.get(id), 1);
    assert.equal(e.record(id).state.status, 'running');
  }));

test('a kill by the stop signal (any, when none is named) makes the next exit final; another signal does not', () =>
  withLifecycleEngine(async (e) => {
    // The fake process dies of any signal it does not ignore.
    const killWith = async (id: string, signal: string): Promise<void> => {
      const die = e.events.next('die', id);
      await e.service.kill(id, signal);
      await die;
    };
    const id = await withPolicy(e, { Name: 'always' });
    await killWith(id, 'SIGUSR1');
    assert.equal(e.record(id).state.status, 'exited');
    assert.deepEqual(e.clock.delays(), [], 'no restart armed');

    const named = await e.run({ HostConfig: { RestartPolicy: { Name: 'always' } }, StopSignal: 'SIGUSR2' });
    await killWith(named, 'SIGUSR1');
    assert.equal(e.record(named).state.status, 'restarting');
    assert.equal(e.record(named).restartCount, 1, 'counted at the exit, before the restart');
  }));

test('a kill during the back-off cancels the restart; a start by hand begins the count afresh', () =>
  withLifecycleEngine(async (e) => {
    const id = await withPolicy(e, { Name: 'always' });
    await exitWith(e, id, 1);
    await advanceToRestart(e, id, 100);
    await exitWith(e, id, 1);
    assert.equal(e.record(id).restartCount, 2);
    await e.service.kill(id, undefined);
    assert.equal(e.record(id).state.status, 'exited');
    assert.equal(e.record(id).restartCount, 2);
    await e.clock.advance(60_000);
    assert.equal(e.record(id).state.status, 'exited', 'the cancelled restart never comes');
    await e.service.start(id);
    assert.equal(e.record(id).restartCount, 0);
    await exitWith(e, id, 1);
    assert.deepEqual(e.clock.delays(), [100], 'the back-off begins afresh');
  }));
