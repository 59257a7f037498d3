// Containers end to end with the real docker CLI: run attached and detached, exit codes, logs, stop, kill,
// restart, rename, wait, inspect, prune, restart policies, bad input, and nothing left behind after rm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { docker } from '../helpers/run.js';
import { containerCgroupDir } from '../helpers/cgroup.js';
import { waitForEventLines } from '../helpers/events.js';
import { waitForLogText } from '../helpers/logs.js';

const skip = !isRoot() && 'needs root';
const daemon = useDaemon(skip);

const d = (args: string[]) => docker(daemon.env, args);

/** conmon processes, overlay mounts and cgroups that name a container. */
function traces(id: string): string[] {
  const found: string[] = [];
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  if (ps.split('\n').some((l) => l.includes('conmon') && l.includes(id))) found.push('conmon');
  if (execFileSync('cat', ['/proc/mounts'], { encoding: 'utf8' }).includes(id)) found.push('mount');
  for (const ctl of ['memory', 'pids', 'cpu']) if (existsSync(containerCgroupDir(id, ctl))) found.push(`cgroup:${ctl}`);
  if (existsSync(join(daemon.dataRoot, 'containers', id))) found.push('dir');
  return found;
}

/** From /proc/PID/stat: the parent, process group and session (fields 4, 5 and 6; the name may hold spaces). */
function procStat(pid: number): { state: string; ppid: number; pgid: number; session: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const [state, ppid, pgid, session] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: state!, ppid: Number(ppid), pgid: Number(pgid), session: Number(session) };
}

/** Children of `parent` that ended and were not reaped. */
function zombieChildren(parent: number): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => {
      try {
        const s = procStat(pid);
        return s.ppid === parent && s.state === 'Z';
      } catch {
        return false;
      }
    });
}

test('run attached streams output and exits with the container code', { skip }, async () => {
  const hi = await d(['run', '--rm', '--name', 'hi-rm', 'busybox', 'echo', 'hi']);
  assert.equal(hi.code, 0, hi.stderr);
  assert.equal(hi.stdout, 'hi\n');
  // Docker's order for `run --rm` (dockerd 20.10 gives the same).
  const events = await waitForEventLines(daemon.env, ['container=hi-rm'], '{{.Action}}', (l) => l.includes('destroy'));
  assert.deepEqual(events, ['create', 'attach', 'start', 'die', 'destroy']);
  const split = await d(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(split.code, 3);
  assert.equal(split.stdout, 'out\n');
  assert.equal(split.stderr, 'err\n');
  const missing = await d(['run', '--rm', 'busybox', 'no-such-command']);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /executable file not found/);
  // Killed from outside: 128 + 9.
  const attached = d(['run', '--name', 'victim', 'busybox', 'sh', '-c', 'echo ready; sleep 30']);
  await waitForEventLines(daemon.env, ['container=victim', 'event=start'], '{{.Action}}', (l) => l.includes('start'));
  // Started is not yet printed: the kill waits for the line it expects the attached run to have streamed.
  await waitForLogText(daemon.env, 'victim', (text) => text.includes('ready\n'));
  assert.equal((await d(['kill', 'victim'])).code, 0);
  const killed = await attached;
  assert.equal(killed.code, 137);
  assert.equal(killed.stdout, 'ready\n');
  await d(['rm', 'victim']);
});

test('run -d, ps, logs, stop, start, kill, restart, rename, wait, inspect, rm', { skip }, async () => {
  const id = (
    await d([
      'run',
      '-d',
      '--name',
      'web',
      '-e',
      'GREETING=hello',
      'busybox',
      'sh',
      '-c',
      'echo $GREETING; trap "exit 0" TERM; while true; do sleep 0.1; done',
    ])
  ).stdout.trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  const ps = await d(['ps', '--format', '{{.ID}} {{.Names}} {{.Status}}']);
  assert.match(ps.stdout, new RegExp(`^${id.slice(0, 12)} web Up`, 'm'));
  await waitForLogText(daemon.env, 'web', (text) => text.includes('hello\n'));
  const logs = await d(['logs', 'web']);
  assert.equal(logs.stdout, 'hello\n');
  const inspect = JSON.parse((await d(['inspect', 'web'])).stdout) as {
    Id: string;
    Name: string;
    State: { Status: string; Running: boolean; Pid: number };
    Config: { Env: string[] };
  }[];
  assert.equal(inspect[0]?.Name, '/web');
  assert.equal(inspect[0]?.State.Running, true);
  assert.ok((inspect[0]?.State.Pid ?? 0) > 0);
  assert.ok(inspect[0]?.Config.Env.includes('GREETING=hello'));

  assert.equal((await d(['stop', 'web'])).code, 0);
  assert.equal((await d(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'web'])).stdout.trim(), 'exited 0');
  assert.equal((await d(['start', 'web'])).code, 0);
  assert.equal((await d(['kill', 'web'])).code, 0);
  assert.equal(
    (await d(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'web'])).stdout.trim(),
    'exited 137',
  );
  assert.equal((await d(['restart', 'web'])).code, 0);
  assert.equal((await d(['inspect', '-f', '{{.State.Status}}', 'web'])).stdout.trim(), 'running');
  assert.equal((await d(['rename', 'web', 'web2'])).code, 0);
  assert.equal((await d(['inspect', '-f', '{{.Name}}', id.slice(0, 8)])).stdout.trim(), '/web2');
  const waited = d(['wait', 'web2']);
  await d(['stop', 'web2']);
  assert.equal((await waited).stdout.trim(), '0');
  assert.equal((await d(['rm', 'web2'])).code, 0);
  assert.deepEqual(traces(id), []);
});

test('logs -f follows until the container exits; -t, --tail and stream separation', { skip }, async () => {
  await d([
    'run',
    '-d',
    '--name',
    'talker',
    'busybox',
    'sh',
    '-c',
    'for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.2; done',
  ]);
  const follow = await d(['logs', '-f', 'talker']);
  assert.equal(follow.code, 0);
  assert.equal(follow.stdout, 'out1\nout2\nout3\n');
  assert.equal(follow.stderr, 'err1\nerr2\nerr3\n');
  const tail = await d(['logs', '--tail', '2', 'talker']);
  assert.equal(tail.stdout, 'out3\n');
  assert.equal(tail.stderr, 'err3\n');
  assert.match((await d(['logs', '-t', 'talker'])).stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out1$/m);
  await d(['rm', 'talker']);
});

test('bad input gets Docker errors and leaves nothing behind', { skip }, async () => {
  const before = (await d(['ps', '-aq'])).stdout;
  const noImage = await d(['run', '--rm', 'nope:latest', 'true']);
  assert.equal(noImage.code, 125);
  assert.match(noImage.stderr, /No such image|Unable to find image/);
  assert.match(
    (await d(['run', '--restart', 'bogus', 'busybox', 'true'])).stderr,
    /invalid restart policy|unknown policy/,
  );
  assert.match(
    (await d(['run', '--mount', 'type=bind,source=/no/such/dir,target=/x', 'busybox', 'true'])).stderr,
    /bind source path does not exist/,
  );
  assert.match((await d(['kill', '-s', 'NOPE', 'nosuch'])).stderr, /No such container|Invalid signal/);
  await d(['create', '--name', 'taken', 'busybox', 'true']);
  const dup = await d(['create', '--name', 'taken', 'busybox', 'true']);
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /Conflict. The container name "\/taken" is already in use/);
  await d(['rm', 'taken']);
  assert.equal((await d(['ps', '-aq'])).stdout, before);
});

test('20 concurrent creates with one name: exactly one wins; 50 concurrent run -d all succeed', { skip }, async () => {
  const creates = await Promise.all(
    Array.from({ length: 20 }, () => d(['create', '--name', 'race', 'busybox', 'true'])),
  );
  assert.equal(creates.filter((r) => r.code === 0).length, 1);
  const runs = await Promise.all(
    Array.from({ length: 50 }, (_, i) => d(['run', '-d', '--name', `many-${i}`, 'busybox', 'sleep', '300'])),
  );
  assert.deepEqual(
    runs.map((r) => r.code),
    runs.map(() => 0),
  );
  const ids = (await d(['ps', '-q', '--filter', 'name=many-'])).stdout.trim().split('\n');
  assert.equal(ids.length, 50);
  assert.equal((await d(['rm', '-f', 'race', ...runs.map((_, i) => `many-${i}`)])).code, 0);
  for (const r of runs) assert.deepEqual(traces(r.stdout.trim()), []);
});

test('restart always brings a dying process back; container prune removes stopped ones', { skip }, async () => {
  await d(['run', '-d', '--name', 'phoenix', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2; exit 1']);
  // Two start events: the first run and a restart by the policy.
  const starts = await waitForEventLines(
    daemon.env,
    ['container=phoenix', 'event=start'],
    '{{.Action}}',
    (lines) => lines.length >= 2,
  );
  assert.deepEqual(starts.slice(0, 2), ['start', 'start']);
  assert.equal((await d(['rm', '-f', 'phoenix'])).code, 0);
  await d(['run', '--name', 'done1', 'busybox', 'true']);
  const prune = await d(['container', 'prune', '-f']);
  assert.match(prune.stdout, /Deleted Containers:/);
  assert.equal((await d(['ps', '-aq', '--filter', 'name=done1'])).stdout.trim(), '');
});

test('containers outlive kill -9 of berthd and stay manageable', { skip }, async () => {
  const id = (
    await d([
      'run',
      '-d',
      '--name',
      'survivor',
      'busybox',
      'sh',
      '-c',
      'echo alive; trap "exit 7" TERM; while true; do sleep 0.1; done',
    ])
  ).stdout.trim();
  const quick = (
    await d(['run', '-d', '--name', 'ends-while-down', 'busybox', 'sh', '-c', 'read x; exit 5'])
  ).stdout.trim();
  // The survivor's conmon: berthd's child, the leader of its own process group in berthd's session (so in berthd's
  // scheduler autogroup), and still the same process after the kill -9.
  const conmon = Number(readFileSync(join(daemon.execRoot, 'runtime/containers', id, 'conmon.pid'), 'utf8'));
  const berthd = procStat(daemon.process.pid!);
  const monitor = procStat(conmon);
  assert.equal(monitor.ppid, daemon.process.pid);
  assert.equal(monitor.pgid, conmon);
  assert.equal(monitor.session, berthd.session);
  assert.ok(readFileSync(`/proc/${conmon}/cmdline`, 'utf8').includes(id));
  await daemon.kill9();
  assert.ok(readFileSync(`/proc/${conmon}/cmdline`, 'utf8').includes(id), 'conmon outlives berthd');
  // While the daemon is down the second container's process ends.
  execFileSync('sh', [
    '-c',
    `kill -TERM $(cat ${join(daemon.execRoot, 'runtime/containers', quick, 'pidfile')}) || true`,
  ]);
  await daemon.startAgain();
  assert.equal((await d(['inspect', '-f', '{{.State.Status}}', 'survivor'])).stdout.trim(), 'running');
  assert.equal((await d(['logs', 'survivor'])).stdout, 'alive\n');
  const ended = await d(['inspect', '-f', '{{.State.Status}}', 'ends-while-down']);
  assert.equal(ended.stdout.trim(), 'exited');
  assert.equal((await d(['stop', 'survivor'])).code, 0);
  assert.equal((await d(['inspect', '-f', '{{.State.ExitCode}}', 'survivor'])).stdout.trim(), '7');
  assert.equal((await d(['rm', 'survivor', 'ends-while-down'])).code, 0);
  assert.deepEqual(traces(id), []);
  // The restarted berthd's own conmons are reaped when their containers end: none is left a zombie.
  const shortLived = (await d(['run', '-d', 'busybox', 'true'])).stdout.trim();
  assert.equal((await d(['wait', shortLived])).stdout.trim(), '0');
  assert.equal((await d(['rm', shortLived])).code, 0);
  // Reaped on berthd's event loop at conmon's SIGCHLD, which may come just after rm's answer: looked at until none.
  const deadline = Date.now() + 10_000;
  while (zombieChildren(daemon.process.pid!).length > 0 && Date.now() < deadline) await setTimeout(50);
  assert.deepEqual(zombieChildren(daemon.process.pid!), []);
  assert.deepEqual(
    readdirSync(join(daemon.dataRoot, 'containers')).filter((n) => n === id),
    [],
  );
});
