// Restart policies against what a user does by hand, and the refusals of state changes, on Docker's engine 20.10 and
// berthd side by side with the same assertions. dockerd's rules, measured: a `docker kill` with SIGKILL, the
// container's stop signal, or any signal when it names none makes the next exit final whatever the policy (and ends
// a pending restart, quietly); the restart is decided before `die` (RestartCount counts it from then); a start or
// restart by hand begins afresh (RestartCount 0, on-failure's retries and the back-off anew). The tests wait on
// events and output, never on time. A container is caught in its back-off after its 7th quick exit: the 7th restart
// waits 6.4 s on both engines (100 ms doubling), which the action sent on that `die` falls well inside.
// Skips without root or without dockerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiRequest, isRoot } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';
import { waitForEventLines } from '../helpers/events.js';

const skip = !isRoot() ? 'needs root' : !hasDockerd() ? 'dockerd is not installed' : false;
const engines = { dockerd: useDockerd(skip), berthd: useDaemon(skip) };
type Engine = (typeof engines)['berthd'] | (typeof engines)['dockerd'];

async function ok(e: Engine, args: string[]): Promise<string> {
  const r = await docker(e.env, args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Resolves once the container has had `count` events `action` (followed from the start, no polling). */
const events = (e: Engine, id: string, action: string, count: number): Promise<string[]> =>
  waitForEventLines(e.env, [`container=${id}`, `event=${action}`], '{{.Action}}', (l) => l.length >= count);

/** The container's event actions so far, with a kill's signal and a die's exit code. */
async function history(e: Engine, id: string): Promise<string[]> {
  const format =
    '{{.Action}}{{with index .Actor.Attributes "signal"}} {{.}}{{end}}{{with index .Actor.Attributes "exitCode"}} {{.}}{{end}}';
  // A ms ahead: berthd's event times carry sub-ms digits past the ms they were published in.
  const until = ((Date.now() + 1) / 1000).toFixed(3);
  const out = await ok(e, ['events', '--since', '0', '--until', until, '-f', `container=${id}`, '--format', format]);
  return out.split('\n').filter(Boolean);
}

const stateOf = (e: Engine, id: string): Promise<string> =>
  ok(e, ['inspect', '-f', '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}', id]);

/** Status and message of one Engine API call. */
async function call(e: Engine, method: string, path: string, json?: unknown): Promise<[number, string]> {
  const r = await apiRequest(e.socketPath, path, { method, json });
  const message = r.body ? ((JSON.parse(r.body) as { message?: string }).message ?? r.body) : '';
  return [r.status, message];
}

/** A container whose process exits 5 at once, restarted by `always`; resolves in its back-off after its 7th exit. */
async function inBackoff(e: Engine): Promise<string> {
  const id = await ok(e, ['run', '-d', '--network', 'none', '--restart', 'always', 'busybox', 'sh', '-c', 'exit 5']);
  await events(e, id, 'die', 7);
  return id;
}

for (const [name, e] of Object.entries(engines)) {
  test(
    `${name}: docker kill makes the next exit final for always, unless-stopped and on-failure`,
    { skip },
    async () => {
      for (const policy of ['always', 'unless-stopped', 'on-failure']) {
        const id = await ok(e, ['run', '-d', '--network', 'none', '--restart', policy, 'busybox', 'sleep', '600']);
        try {
          await ok(e, ['kill', id]);
          await events(e, id, 'die', 1);
          assert.equal(await stateOf(e, id), 'exited 0 137', policy);
          assert.deepEqual(await history(e, id), ['create', 'start', 'kill 9', 'die 137'], policy);
        } finally {
          await docker(e.env, ['rm', '-f', id]);
        }
      }
    },
  );

  test(`${name}: a kill by another signal than the stop signal leaves the policy in force`, { skip }, async () => {
    // --init: the signal reaches `sleep`, which dies of it (PID 1 would ignore it).
    const base = ['run', '-d', '--init', '--network', 'none', '--restart', 'always'];
    const named = await ok(e, [...base, '--stop-signal', 'USR2', 'busybox', 'sleep', '600']);
    const unnamed = await ok(e, [...base, 'busybox', 'sleep', '600']);
    try {
      await ok(e, ['kill', '-s', 'USR1', named]);
      await events(e, named, 'start', 2);
      assert.match(await stateOf(e, named), /^running 1 /);
      // With no stop signal named, any signal counts as the stop signal.
      await ok(e, ['kill', '-s', 'USR1', unnamed]);
      await events(e, unnamed, 'die', 1);
      assert.equal(await stateOf(e, unnamed), 'exited 0 138');
    } finally {
      await docker(e.env, ['rm', '-f', named, unnamed]);
    }
  });

  test(`${name}: a start by hand begins afresh: RestartCount 0 and on-failure's retries anew`, { skip }, async () => {
    const id = await ok(e, [
      'run',
      '-d',
      '--network',
      'none',
      '--restart',
      'on-failure:1',
      'busybox',
      'sh',
      '-c',
      'exit 3',
    ]);
    try {
      await events(e, id, 'die', 2);
      assert.equal(await stateOf(e, id), 'exited 1 3');
      await ok(e, ['start', id]);
      // The start's run and one more retry.
      await events(e, id, 'die', 4);
      assert.equal(await stateOf(e, id), 'exited 1 3');
    } finally {
      await docker(e.env, ['rm', '-f', id]);
    }
  });

  test(`${name}: actions on a container waiting in its restart back-off`, { skip }, async () => {
    const [paused, killed, restarted, removed, stopped] = await Promise.all([
      inBackoff(e),
      inBackoff(e),
      inBackoff(e),
      inBackoff(e),
      inBackoff(e),
    ]);
    try {
      await Promise.all([
        (async () => {
          const refusal = `Container ${paused} is restarting, wait until the container is running`;
          assert.deepEqual(await call(e, 'POST', `/containers/${paused}/pause`), [409, refusal]);
          const exec = await call(e, 'POST', `/containers/${paused}/exec`, { Cmd: ['true'] });
          assert.deepEqual(exec, [409, refusal]);
          assert.match(await stateOf(e, paused), /^restarting 7 5$/);
        })(),
        (async () => {
          // The restart is cancelled, quietly: no `kill` event, RestartCount as it was.
          assert.deepEqual(await call(e, 'POST', `/containers/${killed}/kill`), [204, '']);
          // dockerd leaves the restarting state just after its answer: `wait` answers once it has.
          assert.equal(await ok(e, ['wait', killed]), '5');
          assert.equal(await stateOf(e, killed), 'exited 7 5');
          assert.equal((await history(e, killed)).at(-1), 'die 5');
        })(),
        (async () => {
          // The back-off begins afresh: the policy's next restart follows at once.
          assert.deepEqual(await call(e, 'POST', `/containers/${restarted}/restart`), [204, '']);
          const all = await history(e, restarted);
          assert.deepEqual(all.slice(15, 18), ['stop', 'start', 'restart'], all.join(','));
          await events(e, restarted, 'start', 10);
          // Counted afresh from the restart (7 again would take 6.3 s of back-off).
          const count = Number((await stateOf(e, restarted)).split(' ')[1]);
          assert.ok(count >= 1 && count < 7, `RestartCount ${count}`);
        })(),
        (async () => {
          assert.deepEqual(await call(e, 'DELETE', `/containers/${removed}?force=1`), [204, '']);
          assert.deepEqual((await history(e, removed)).slice(14), ['die 5', 'destroy']);
        })(),
        (async () => {
          assert.deepEqual(await call(e, 'POST', `/containers/${stopped}/stop`), [204, '']);
          assert.equal(await stateOf(e, stopped), 'exited 7 5');
          assert.deepEqual((await history(e, stopped)).slice(14), ['die 5', 'stop']);
        })(),
      ]);
    } finally {
      await docker(e.env, ['rm', '-f', paused, killed, restarted, stopped]);
    }
  });

  test(`${name}: state conflicts answer in dockerd's words and statuses`, { skip }, async () => {
    const ref = `conflicts-${name}`;
    const id = await ok(e, ['run', '-d', '--network', 'none', '--name', ref, 'busybox', 'sleep', '600']);
    try {
      assert.deepEqual(await call(e, 'POST', `/containers/${ref}/unpause`), [500, `Container ${id} is not paused`]);
      await ok(e, ['pause', ref]);
      assert.deepEqual(await call(e, 'POST', `/containers/${ref}/pause`), [409, `Container ${id} is already paused`]);
      assert.deepEqual(await call(e, 'POST', `/containers/${ref}/start`), [
        409,
        'cannot start a paused container, try unpause instead',
      ]);
      assert.deepEqual(await call(e, 'POST', `/containers/${ref}/exec`, { Cmd: ['true'] }), [
        409,
        `Container ${ref} is paused, unpause the container before exec`,
      ]);
      // A kill by the stop signal (any, when none is named) resumes a paused container, as it does the next exit.
      assert.deepEqual(await call(e, 'POST', `/containers/${ref}/kill?signal=WINCH`), [204, '']);
      await events(e, id, 'unpause', 1);
      assert.equal(await stateOf(e, ref), 'running 0 0');
      assert.deepEqual((await history(e, id)).slice(-3), ['pause', 'kill 28', 'unpause']);
      await ok(e, ['kill', ref]);
      await events(e, id, 'die', 1);
      const notRunning = `Container ${id} is not running`;
      assert.deepEqual(await call(e, 'POST', `/containers/${ref}/pause`), [409, notRunning]);
      assert.deepEqual(await call(e, 'POST', `/containers/${ref}/unpause`), [500, `Container ${id} is not paused`]);
      assert.deepEqual(await call(e, 'POST', `/containers/${ref}/exec`, { Cmd: ['true'] }), [409, notRunning]);
      assert.deepEqual(await call(e, 'GET', `/containers/${ref}/top`), [409, notRunning]);
      assert.deepEqual(await call(e, 'POST', `/containers/${ref}/kill`), [
        409,
        `Cannot kill container: ${ref}: ${notRunning}`,
      ]);
      const attach = await docker(e.env, ['attach', ref]);
      assert.deepEqual([attach.code, attach.stderr], [1, 'You cannot attach to a stopped container, start it first\n']);
    } finally {
      await docker(e.env, ['rm', '-f', id]);
    }
  });
}

/** Stops the engine and starts it again on the same roots (dockerd stops its containers; berthd's outlive it). */
async function restartEngine(name: string): Promise<void> {
  if (name === 'dockerd') {
    await engines.dockerd.stop({ keepRoots: true });
    await engines.dockerd.startAgain();
  } else {
    await engines.berthd.stop();
    await engines.berthd.startAgain();
  }
}

for (const [name, e] of Object.entries(engines)) {
  test(`${name}: which containers a daemon restart brings back after a stop or a kill by hand`, { skip }, async () => {
    const cases = [
      ['unless-stopped', 'stop'],
      ['always', 'stop'],
      ['on-failure', 'stop'],
      ['unless-stopped', 'kill'],
      ['always', 'kill'],
      ['on-failure', 'kill'],
    ] as const;
    const ids = await Promise.all(
      cases.map(([policy]) =>
        ok(e, ['run', '-d', '--network', 'none', '--restart', policy, 'busybox', 'sleep', '600']),
      ),
    );
    try {
      await Promise.all(
        cases.map(([, action], i) => ok(e, action === 'stop' ? ['stop', '-t', '0', ids[i]!] : ['kill', ids[i]!])),
      );
      await restartEngine(name);
      const states = await Promise.all(ids.map((id) => stateOf(e, id)));
      // dockerd 20.10: `unless-stopped` stays down after a stop or any kill by hand; the others come back.
      assert.deepEqual(
        states.map((s, i) => `${cases[i]!.join(' ')}: ${s}`),
        [
          'unless-stopped stop: exited 0 137',
          'always stop: running 0 0',
          'on-failure stop: running 0 0',
          'unless-stopped kill: exited 0 137',
          'always kill: running 0 0',
          'on-failure kill: running 0 0',
        ],
      );
    } finally {
      await docker(e.env, ['rm', '-f', ...ids]);
    }
  });
}
