// Live restore: a new daemon (a new container service over the same store and the same runtime) finds what its
// containers did while no daemon was up, and applies their restart policies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLifecycleEngine } from '../../../test/helpers/lifecycle-engine.js';

test('a container still running is re-attached: same pid, and its later exit is recorded by the new daemon', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    const pid = e.record(id).state.pid;
    await e.daemonRestart();
    assert.equal(e.record(id).state.status, 'running');
    assert.equal(e.record(id).state.pid, pid);
    assert.equal(e.runtime.runs.get(id), 1, 'not started again');
    const die = e.events.next('die', id);
    e.runtime.exit(id, 5);
    assert.equal((await die).actor.attributes.exitCode, '5');
    assert.equal(e.record(id).state.status, 'exited');
    assert.equal(e.record(id).state.exitCode, 5);
  }));

test('a container that exited while the daemon was down is recorded with its code at restore', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run();
    const die = e.events.next('die', id);
    await e.daemonRestart(() => e.runtime.exit(id, 3));
    assert.equal((await die).actor.attributes.exitCode, '3');
    const c = e.record(id);
    assert.equal(c.state.status, 'exited');
    assert.equal(c.state.exitCode, 3);
    assert.equal(e.events.actions(id).at(-1), 'die');
    assert.equal(e.runtime.processes.has(id), false, 'its runtime state is cleaned up');
    assert.deepEqual(e.clock.delays(), [], 'policy no: not restarted');
  }));

test('restart policy always: one that exited while the daemon was down is restarted after the back-off', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run({ HostConfig: { RestartPolicy: { Name: 'always' } } });
    const die = e.events.next('die', id);
    await e.daemonRestart(() => e.runtime.exit(id, 1));
    await die;
    assert.equal(e.record(id).state.status, 'restarting');
    assert.deepEqual(e.clock.delays(), [100]);
    const started = e.events.next('start', id);
    await e.clock.advance(e.clock.delays()[0] ?? 0);
    await started;
    assert.equal(e.record(id).state.status, 'running');
    assert.equal(e.runtime.runs.get(id), 2);
  }));

test('a container that was waiting to restart when the daemon died is started at restore', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run({ HostConfig: { RestartPolicy: { Name: 'on-failure' } } });
    const die = e.events.next('die', id);
    e.runtime.exit(id, 1);
    await die;
    assert.equal(e.record(id).state.status, 'restarting');
    await e.daemonRestart();
    assert.equal(e.record(id).state.status, 'running');
    assert.equal(e.runtime.runs.get(id), 2);
  }));

test('at restore: an exit while down restarts by policy; unless-stopped stopped by hand or never started stays as it is', () =>
  withLifecycleEngine(async (e) => {
    const always = await e.run({ HostConfig: { RestartPolicy: { Name: 'always' } } });
    const stoppedByHand = await e.run({ HostConfig: { RestartPolicy: { Name: 'unless-stopped' } } });
    const alwaysStoppedByHand = await e.run({ HostConfig: { RestartPolicy: { Name: 'always' } } });
    const onFailureStoppedByHand = await e.run({
      HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 1 } },
    });
    const neverStarted = await e.create({ HostConfig: { RestartPolicy: { Name: 'always' } } });
    await e.service.stop(stoppedByHand, {});
    await e.service.stop(alwaysStoppedByHand, {});
    await e.service.stop(onFailureStoppedByHand, {});
    // The daemon shuts down; its containers keep running, and one exits while no daemon restarts it.
    const die = e.events.next('die', always);
    await e.daemonRestart(() => e.runtime.exit(always, 0));
    await die;
    const started = e.events.next('start', always);
    await e.clock.advance(100);
    await started;
    assert.equal(e.record(always).state.status, 'running');
    assert.equal(e.record(stoppedByHand).state.status, 'exited');
    assert.equal(e.runtime.runs.get(stoppedByHand), 1);
    // Docker's rule (dockerd 20.10 does the same): a stopped `always` container comes back with the daemon, and so
    // does an `on-failure` one whose stop left a non-zero exit code.
    assert.equal(e.record(alwaysStoppedByHand).state.status, 'running');
    assert.equal(e.runtime.runs.get(alwaysStoppedByHand), 2);
    assert.equal(e.runtime.runs.get(onFailureStoppedByHand), 2);
    assert.equal(e.record(onFailureStoppedByHand).state.status, 'running');
    assert.equal(e.record(neverStarted).state.status, 'created');
    assert.equal(e.runtime.runs.get(neverStarted), undefined);
  }));

test('an always container whose exit the old daemon recorded while shutting down is started by the new one', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.run({ HostConfig: { RestartPolicy: { Name: 'always' } } });
    await e.service.close();
    const die = e.events.next('die', id);
    e.runtime.exit(id, 0);
    await die;
    assert.deepEqual(e.clock.delays(), []);
    assert.equal(e.record(id).state.status, 'exited', 'a closing daemon restarts nothing');
    await e.daemonRestart();
    assert.equal(e.record(id).state.status, 'running');
    assert.equal(e.runtime.runs.get(id), 2);
  }));

test('a removal cut short by the daemon dying is finished at restore', () =>
  withLifecycleEngine(async (e) => {
    const id = await e.create();
    const c = e.record(id);
    c.state.status = 'removing';
    e.store.update(c);
    await e.daemonRestart();
    assert.equal(e.store.get(id), undefined);
    assert.equal(e.snapshots.snapshots.size, 0);
    assert.equal(e.events.actions(id).at(-1), 'destroy');
  }));

test('an AutoRemove container not running at restore is removed (as dockerd 20.10), a kept created one stays', () =>
  withLifecycleEngine(async (e) => {
    const thrown = await e.create({ HostConfig: { AutoRemove: true } });
    const kept = await e.create();
    await e.daemonRestart();
    assert.equal(e.store.get(thrown), undefined);
    assert.equal(e.events.actions(thrown).at(-1), 'destroy');
    assert.equal(e.record(kept).state.status, 'created');
    assert.deepEqual([...e.snapshots.snapshots.keys()], [kept]);
    assert.equal(e.runtime.runs.get(thrown), undefined, 'never started');
  }));
