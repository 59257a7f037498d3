// A stop ends with the run it signalled. A `docker start` in the instant between the signalled run's exit record and
// the stop's wait for that exit must not make the stop wait for the new run (for ever with `stop -t -1`), nor send
// the new run a SIGKILL. The window is opened with berthd's test-only pause point `stop-signalled` (the stop holds
// after its signal, lock released, before its wait): the run exits, its `die` is seen, the container is started
// again, then the stop goes on. Docker's engine cannot be held there; its answer is what a stop of an exited
// container gives (the stop answers, the new run lives on), which is what is asserted. Skips without root.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { isRoot } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { pausePoints, type PausePoints } from '../helpers/pause-point.js';
import { waitForEventLines } from '../helpers/events.js';

const skip = !isRoot() ? 'needs root' : false;
const POINT = 'stop-signalled';
// A bound on each command, so that a hang fails its assertion (code null) instead of stalling the file.
const BOUND = { timeoutMs: 60_000 };

let pause: PausePoints | undefined;
const points = (): PausePoints => {
  if (!pause) throw new Error('no pause points');
  return pause;
};
const berthd = useDaemon(skip, { start: async () => ({ env: (pause = await pausePoints([POINT])).env }) });
after(() => {
  if (pause) rmSync(pause.dir, { recursive: true, force: true });
});

/** Resolves once the container's output holds `line` (its log followed, no polling). */
function outputLine(id: string, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const follow = spawn('docker', ['logs', '-f', id], { env: berthd.env, stdio: ['ignore', 'pipe', 'ignore'] });
    let seen = '';
    follow.stdout.setEncoding('utf8');
    follow.stdout.on('data', (chunk: string) => {
      seen += chunk;
      if (seen.split('\n').includes(line)) {
        follow.kill();
        resolve();
      }
    });
    follow.on('error', reject);
    follow.on('close', () => reject(new Error(`the log of ${id} ended with ${JSON.stringify(seen)}`)));
  });
}

async function ok(args: string[]): Promise<string> {
  const r = await docker(berthd.env, args, BOUND);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Resolves once the container has had `count` events `action` (followed, no polling). */
const events = (id: string, action: string, count: number): Promise<string[]> =>
  waitForEventLines(berthd.env, [`container=${id}`, `event=${action}`], '{{.Action}}', (l) => l.length >= count);

test('a start between the signalled run exit and the stop wait: the stop ends with its own run', { skip }, async () => {
  // PID 1 exits 3 on SIGTERM; `ready` once the trap is set.
  const script = 'trap "exit 3" TERM; echo ready; while :; do sleep 1 & wait $!; done';
  const id = await ok(['run', '-d', '--network', 'none', 'busybox', 'sh', '-c', script]);
  try {
    await outputLine(id, 'ready');
    const firstStart = await ok(['inspect', '-f', '{{.State.StartedAt}}', id]);

    points().arm(POINT);
    const stop = docker(berthd.env, ['stop', '-t', '-1', id], BOUND);
    await points().reached(POINT);
    // The signalled run exits on its own and its exit is recorded (`die` is announced last); a start follows.
    await events(id, 'die', 1);
    await ok(['start', id]);
    const secondStart = await ok(['inspect', '-f', '{{.State.StartedAt}}', id]);
    assert.notEqual(secondStart, firstStart);
    points().release(POINT);

    const stopped = await stop;
    assert.deepEqual([stopped.code, stopped.stdout.trim()], [0, id], `the stop did not end: ${stopped.stderr}`);
    // The new run was neither signalled nor waited for.
    const now = await ok(['inspect', '-f', '{{.State.Status}} {{.State.StartedAt}}', id]);
    assert.equal(now, `running ${secondStart}`);
    const kills = await ok([
      'events',
      '--since',
      '0',
      '--until',
      // A ms ahead: berthd's event times carry sub-ms digits past the ms they were published in.
      ((Date.now() + 1) / 1000).toFixed(3),
      '-f',
      `container=${id}`,
      '--format',
      '{{.Action}}{{with index .Actor.Attributes "signal"}} {{.}}{{end}}',
    ]);
    assert.deepEqual(
      kills.split('\n').filter((l) => l !== 'create'),
      ['start', 'kill 15', 'die', 'start', 'stop'],
    );
  } finally {
    await docker(berthd.env, ['rm', '-f', id]);
  }
});
