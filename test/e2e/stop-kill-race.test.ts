// A `docker kill`, `rm -f`, `start`, `pause` or second `stop` sent while a `docker stop` or `restart` waits for the
// process to exit is served at once, as Docker's engine serves it: the stop's wait does not hold the container's
// lock (berthd's did, so a kill waited out the stop's timeout, and for ever behind `stop -t -1`). The container's
// PID 1 is a shell that traps SIGTERM (so a stop without timeout waits for ever) and prints `term` for each one it
// gets; the tests wait for those lines, never on time. Docker's engine and berthd side by side, same assertions.
// Skips without root or without dockerd; stops the daemons it starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { isRoot } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';

const skip = !isRoot() ? 'needs root' : !hasDockerd() ? 'dockerd is not installed' : false;

const engines = { dockerd: useDockerd(skip), berthd: useDaemon(skip) };

// A bound on each command, so that a hang fails its assertion (code null) instead of stalling the file.
const BOUND = { timeoutMs: 60_000 };

/** Resolves once the container's output holds `count` lines equal to `line` (its log followed, no polling). */
function outputLines(env: NodeJS.ProcessEnv, id: string, line: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const follow = spawn('docker', ['logs', '-f', id], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let seen = '';
    follow.stdout.setEncoding('utf8');
    follow.stdout.on('data', (chunk: string) => {
      seen += chunk;
      if (seen.split('\n').filter((l) => l === line).length >= count) {
        follow.kill();
        resolve();
      }
    });
    follow.on('error', reject);
    follow.on('close', () => reject(new Error(`the log of ${id} ended with ${JSON.stringify(seen)}`)));
  });
}

/** Resolves once the container has had `count` events `action` since `since` (unix seconds; followed, no polling). */
function eventLines(env: NodeJS.ProcessEnv, id: string, action: string, since: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [
      'events',
      '--since',
      since,
      '-f',
      `container=${id}`,
      '-f',
      `event=${action}`,
      '--format',
      '{{.Action}}',
    ];
    const follow = spawn('docker', args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let seen = '';
    follow.stdout.setEncoding('utf8');
    follow.stdout.on('data', (chunk: string) => {
      seen += chunk;
      if (seen.split('\n').filter((l) => l === action).length >= count) {
        follow.kill();
        resolve();
      }
    });
    follow.on('error', reject);
    follow.on('close', () => reject(new Error(`the events of ${id} ended with ${JSON.stringify(seen)}`)));
  });
}

/** Runs a container whose PID 1 prints `term` for each SIGTERM and goes on; resolves once its trap is set. */
async function termIgnoring(env: NodeJS.ProcessEnv): Promise<string> {
  const script = 'trap "echo term" TERM; echo ready; while :; do sleep 1 & wait $!; done';
  const run = await docker(env, ['run', '-d', '--network', 'none', 'busybox', 'sh', '-c', script]);
  assert.equal(run.code, 0, run.stderr);
  const id = run.stdout.trim();
  await outputLines(env, id, 'ready', 1);
  return id;
}

async function state(env: NodeJS.ProcessEnv, id: string): Promise<string> {
  const r = await docker(env, ['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', id]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

/** The container's event actions from `since` (unix seconds, fractional) until now. */
async function actions(env: NodeJS.ProcessEnv, id: string, since: string): Promise<string[]> {
  const until = (Date.now() / 1000).toFixed(3);
  const r = await docker(env, [
    'events',
    '--since',
    since,
    '--until',
    until,
    '-f',
    `container=${id}`,
    '--format',
    '{{.Action}}',
  ]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

const count = (list: string[], item: string): number => list.filter((x) => x === item).length;

/** One Engine API request without body: its status and body. */
function post(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'POST' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

for (const [name, engine] of Object.entries(engines)) {
  test(`${name}: a kill during stop -t -1 is served at once, and the stop answers as stopped`, { skip }, async () => {
    const id = await termIgnoring(engine.env);
    try {
      const stop = docker(engine.env, ['stop', '-t', '-1', id], BOUND);
      await outputLines(engine.env, id, 'term', 1);
      const kill = await docker(engine.env, ['kill', id], BOUND);
      assert.deepEqual([kill.code, kill.stdout.trim()], [0, id], kill.stderr);
      const stopped = await stop;
      assert.deepEqual([stopped.code, stopped.stdout.trim()], [0, id], stopped.stderr);
      assert.equal(await state(engine.env, id), 'exited 137');
    } finally {
      await docker(engine.env, ['rm', '-f', id]);
    }
  });

  test(`${name}: an rm -f during stop -t -1 removes it, and the stop answers as stopped`, { skip }, async () => {
    const id = await termIgnoring(engine.env);
    const stop = docker(engine.env, ['stop', '-t', '-1', id], BOUND);
    await outputLines(engine.env, id, 'term', 1);
    const rm = await docker(engine.env, ['rm', '-f', id], BOUND);
    assert.deepEqual([rm.code, rm.stdout.trim()], [0, id], rm.stderr);
    const stopped = await stop;
    assert.deepEqual([stopped.code, stopped.stdout.trim()], [0, id], stopped.stderr);
    assert.notEqual((await docker(engine.env, ['inspect', id])).code, 0);
  });

  test(`${name}: an rm -f during restart -t -1 removes it, and the restart cannot start it`, { skip }, async () => {
    const id = await termIgnoring(engine.env);
    const restart = post(engine.socketPath, `/containers/${id}/restart?t=-1`);
    await outputLines(engine.env, id, 'term', 1);
    const rm = await docker(engine.env, ['rm', '-f', id], BOUND);
    assert.deepEqual([rm.code, rm.stdout.trim()], [0, id], rm.stderr);
    const answer = await restart;
    assert.deepEqual(JSON.parse(answer.body), {
      message: `Cannot restart container ${id}: container is marked for removal and cannot be started`,
    });
    assert.equal(answer.status, 500);
  });

  test(
    `${name}: rm -f of a running container announces its kill and its death before its destruction`,
    { skip },
    async () => {
      const since = (Date.now() / 1000 - 1).toFixed(3);
      const id = await termIgnoring(engine.env);
      const rm = await docker(engine.env, ['rm', '-f', id], BOUND);
      assert.equal(rm.code, 0, rm.stderr);
      assert.deepEqual(await actions(engine.env, id, since), ['create', 'start', 'kill', 'die', 'destroy']);
    },
  );

  test(`${name}: stop -t 0 sends the stop signal, then SIGKILL`, { skip }, async () => {
    const since = (Date.now() / 1000 - 1).toFixed(3);
    const id = await termIgnoring(engine.env);
    try {
      const stop = await docker(engine.env, ['stop', '-t', '0', id], BOUND);
      assert.deepEqual([stop.code, stop.stdout.trim()], [0, id], stop.stderr);
      const until = (Date.now() / 1000).toFixed(3);
      const format = '{{.Action}}{{with .Actor.Attributes.signal}} {{.}}{{end}}';
      const r = await docker(engine.env, [
        'events',
        '--since',
        since,
        '--until',
        until,
        '-f',
        `container=${id}`,
        '--format',
        format,
      ]);
      assert.deepEqual(r.stdout.split('\n').filter(Boolean), ['create', 'start', 'kill 15', 'kill 9', 'die', 'stop']);
    } finally {
      await docker(engine.env, ['rm', '-f', id]);
    }
  });

  test(`${name}: two stops at once both signal it, and both answer once a kill ends it`, { skip }, async () => {
    const id = await termIgnoring(engine.env);
    try {
      const since = (Date.now() / 1000 - 1).toFixed(3);
      const stops = [1, 2].map(() => docker(engine.env, ['stop', '-t', '-1', id], BOUND));
      // Both stops sent their SIGTERM (a `kill` event each); the shell's trap may run once for both (signals that
      // arrive while one is pending merge), so its output cannot count them.
      await eventLines(engine.env, id, 'kill', since, 2);
      await outputLines(engine.env, id, 'term', 1);
      const kill = await docker(engine.env, ['kill', id], BOUND);
      assert.equal(kill.code, 0, kill.stderr);
      for (const stop of await Promise.all(stops))
        assert.deepEqual([stop.code, stop.stdout.trim()], [0, id], stop.stderr);
      assert.equal(await state(engine.env, id), 'exited 137');
      // A `kill` event per signal (the two stops' SIGTERMs and the SIGKILL), one `die`, a `stop` per stop.
      const seen = await actions(engine.env, id, since);
      assert.deepEqual([count(seen, 'kill'), count(seen, 'die'), count(seen, 'stop')], [3, 1, 2], seen.join(' '));
    } finally {
      await docker(engine.env, ['rm', '-f', id]);
    }
  });

  test(
    `${name}: a kill during restart -t -1 ends the old run, and the restart starts a new one`,
    { skip },
    async () => {
      const id = await termIgnoring(engine.env);
      try {
        const before = await docker(engine.env, ['inspect', '-f', '{{.State.StartedAt}}', id]);
        const restart = docker(engine.env, ['restart', '-t', '-1', id], BOUND);
        await outputLines(engine.env, id, 'term', 1);
        const kill = await docker(engine.env, ['kill', id], BOUND);
        assert.equal(kill.code, 0, kill.stderr);
        const restarted = await restart;
        assert.deepEqual([restarted.code, restarted.stdout.trim()], [0, id], restarted.stderr);
        assert.equal(await state(engine.env, id), 'running 0');
        const after = await docker(engine.env, ['inspect', '-f', '{{.State.StartedAt}}', id]);
        assert.notEqual(after.stdout, before.stdout);
      } finally {
        await docker(engine.env, ['rm', '-f', id]);
      }
    },
  );

  test(
    `${name}: a start during stop -t -1 finds it running, a pause pauses it, a kill ends both`,
    { skip },
    async () => {
      const id = await termIgnoring(engine.env);
      try {
        const stop = docker(engine.env, ['stop', '-t', '-1', id], BOUND);
        await outputLines(engine.env, id, 'term', 1);
        const start = await docker(engine.env, ['start', id], BOUND);
        assert.deepEqual([start.code, start.stdout.trim()], [0, id], start.stderr);
        assert.equal(await state(engine.env, id), 'running 0');
        const pause = await docker(engine.env, ['pause', id], BOUND);
        assert.equal(pause.code, 0, pause.stderr);
        assert.equal(await state(engine.env, id), 'paused 0');
        const kill = await docker(engine.env, ['kill', id], BOUND);
        assert.equal(kill.code, 0, kill.stderr);
        const stopped = await stop;
        assert.deepEqual([stopped.code, stopped.stdout.trim()], [0, id], stopped.stderr);
        assert.equal(await state(engine.env, id), 'exited 137');
      } finally {
        await docker(engine.env, ['rm', '-f', id]);
      }
    },
  );
}
