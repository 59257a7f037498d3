// berth's own container verbs against berthd: run attached and detached, exit codes, ps, logs, stop, rm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { berth, docker } from '../helpers/run.js';

const skip = !isRoot() && 'needs root';
// busybox is loaded with berth's own CLI too: the file is about berth's verbs.
const daemon = useDaemon(skip, { load: 'berth' });

const b = (args: string[]) => berth(daemon.env, args);

test('berth run streams stdout and stderr apart and exits with the container code', { skip }, async () => {
  const res = await b(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(res.code, 3);
  assert.equal(res.stdout, 'out\n');
  assert.equal(res.stderr, 'err\n');
  const missing = await b(['run', '--rm', 'busybox', 'no-such-command']);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /executable file not found/);
  const noImage = await b(['run', 'nope:latest']);
  assert.equal(noImage.code, 125);
});

test('berth run -d, ps, logs, stop, rm agree with docker', { skip }, async () => {
  const id = (
    await b([
      'run',
      '-d',
      '--name',
      'svc',
      '-e',
      'X=1',
      'busybox',
      'sh',
      '-c',
      'echo x=$X; trap "exit 0" TERM; while true; do sleep 0.1; done',
    ])
  ).stdout.trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  const ours = await b(['ps', '--format', '{{.ID}} {{.Names}} {{.Command}}']);
  const theirs = await docker(daemon.env, ['ps', '--format', '{{.ID}} {{.Names}} {{.Command}}']);
  assert.equal(ours.stdout, theirs.stdout);
  assert.match(ours.stdout, new RegExp(`^${id.slice(0, 12)} svc`));
  assert.equal((await b(['logs', 'svc'])).stdout, 'x=1\n');
  assert.equal((await b(['stop', 'svc'])).stdout, 'svc\n');
  assert.equal((await b(['ps', '-a', '--format', '{{.State}}'])).stdout, 'exited\n');
  assert.equal((await b(['rm', 'svc'])).code, 0);
  const gone = await b(['rm', 'svc']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /No such container: svc/);
});

test('berth events replays what happened; container prune removes stopped containers', { skip }, async () => {
  assert.equal((await b(['run', '--name', 'brief', 'busybox', 'true'])).code, 0);
  // An absolute end past now: a relative one (`--until 0s`) is now truncated to the second, as Docker's
  // GetTimestamp does, and would cut off the events of the current second. Both clients below use the same end.
  const until = String(Math.ceil(Date.now() / 1000) + 1);
  const events = await b([
    'events',
    '--since',
    '1m',
    '--until',
    until,
    '--filter',
    'container=brief',
    '--format',
    '{{.Action}}',
  ]);
  // `run` attaches before it starts, and Docker's engine says so with an attach event (as berthd since 4490880).
  assert.equal(events.stdout, 'create\nattach\nstart\ndie\n');
  const [lines, theirs] = await Promise.all([
    b(['events', '--since', '1m', '--until', until, '--filter', 'container=brief', '--filter', 'event=die']),
    docker(daemon.env, [
      'events',
      '--since',
      '1m',
      '--until',
      until,
      '--filter',
      'container=brief',
      '--filter',
      'event=die',
    ]),
  ]);
  assert.match(lines.stdout, / container die [0-9a-f]{64} \(exitCode=0, image=busybox, name=brief\)\n$/);
  assert.equal(lines.stdout, theirs.stdout);
  const prune = await b(['container', 'prune', '-f']);
  assert.match(prune.stdout, /Deleted Containers:\n[0-9a-f]{64}\n/);
  assert.equal((await b(['ps', '-aq'])).stdout, '');
});
