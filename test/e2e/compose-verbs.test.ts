// `berth compose` against Docker's engine and berthd side by side (each scenario runs on both at once): one-off
// `run`, `exec`, and the verbs that act on a project's containers (images built from `build:` and the registry verbs
// are in compose.test.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { writeFileSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useComposeEngines, type Side } from './compose-harness.js';
import { BERTH } from '../helpers/daemon.js';

const scenario = useComposeEngines();

scenario('run: one-off containers, --rm, -e, --service-ports, --no-deps, exit codes; down removes them', async (s) => {
  const r = await s.ok('oneoff', ['run', '--rm', '-e', 'EXTRA=given', 'task', 'sh', '-c', 'echo $FROM_FILE $EXTRA']);
  assert.equal(r.stdout, 'file given\n');
  // Its dependency came up first.
  assert.equal(await s.inspect('oneoff-db-1', '{{.State.Status}}'), 'running');
  const failed = await s.compose('oneoff', ['run', '--rm', '--no-deps', 'task', 'sh', '-c', 'exit 7']);
  assert.equal(failed.code, 7);
  const detached = (await s.ok('oneoff', ['run', '-d', '--service-ports', 'task', 'sleep', '3600'])).stdout.trim();
  assert.match(detached, /^oneoff-task-run-[0-9a-f]{12}$/);
  const labels = JSON.parse(await s.inspect(detached, '{{json .Config.Labels}}')) as Record<string, string>;
  assert.equal(labels['com.docker.compose.oneoff'], 'True');
  assert.equal(labels['com.docker.compose.service'], 'task');
  assert.match(labels['com.docker.compose.slug'] ?? '', new RegExp(`^${detached.slice(-12)}[0-9a-f]{52}$`));
  assert.match((await s.dockerOk(['port', detached, '8080/tcp'])).trim(), /^127\.0\.0\.1:\d+$/);
  // The one-off container reaches the service by name on the project's network.
  const page = await s.exec(detached, ['wget', '-qO-', 'http://db/']);
  assert.equal(page.stdout, 'db answers\n', page.stderr);
  const withoutPorts = (await s.ok('oneoff', ['run', '-d', 'task', 'sleep', '3600'])).stdout.trim();
  assert.equal(await s.dockerOk(['port', withoutPorts]), '', 'no --service-ports: nothing published');
  // `ps` lists one-off containers too (as Compose v2); down takes them as well.
  assert.deepEqual((await s.ok('oneoff', ['ps', '--services'])).stdout, 'db\ntask\n');
  await s.downClean('oneoff', 'oneoff');
});

/** `berth compose events --json web`, running until stopped; `start` settles with the first start event it prints. */
function followEvents(s: Side): { start: Promise<Record<string, unknown>>; stop(): void } {
  const events = spawn(
    process.execPath,
    [BERTH, 'compose', '-f', join(s.corpus, 'verbs/compose.yaml'), 'events', '--json', 'web'],
    { env: s.engine.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const start = new Promise<Record<string, unknown>>((resolve) => {
    createInterface({ input: events.stdout }).on('line', (line) => {
      const e = JSON.parse(line) as Record<string, unknown>;
      if (e.action === 'start') resolve(e);
    });
  });
  return { start, stop: () => events.kill() };
}

scenario('exec, restart, events, kill, pause, unpause, images, top, port, cp, wait, ls, version', async (s) => {
  await s.ok('verbs', ['up', '-d', 'web']);
  // Opened now, the events stream is connected long before the restart below (and a restart is repeated if not).
  const events = followEvents(s);
  const e = await s.ok('verbs', [
    'exec',
    '-T',
    '-e',
    'X=y',
    '--index',
    '2',
    'web',
    'sh',
    '-c',
    'echo $X $(pwd) $(hostname)',
  ]);
  const id2 = (await s.inspect('verbs-web-2', '{{.Id}}')).slice(0, 12);
  assert.equal(e.stdout, `y /www ${id2}\n`);
  assert.equal((await s.ok('verbs', ['exec', '-T', '-w', '/tmp', 'web', 'pwd'])).stdout, '/tmp\n');
  assert.equal((await s.compose('verbs', ['exec', '-T', 'web', 'sh', '-c', 'exit 4'])).code, 4);
  const started = await s.inspect('verbs-web-1', '{{.State.StartedAt}}');
  await s.ok('verbs', ['restart', 'web']);
  assert.notEqual(await s.inspect('verbs-web-1', '{{.State.StartedAt}}'), started);
  try {
    let event = await Promise.race([events.start, s.ok('verbs', ['top', 'web']).then(() => undefined)]);
    for (let i = 0; i < 10 && !event; i++) {
      await s.ok('verbs', ['restart', 'web']);
      event = await Promise.race([events.start, s.ok('verbs', ['top', 'web']).then(() => undefined)]);
    }
    assert.ok(event, 'a start event');
    assert.equal(event.type, 'container');
    assert.equal(event.service, 'web');
    assert.match(String(event.id), /^[0-9a-f]{64}$/);
    assert.match(String((event.attributes as Record<string, string>).name), /^verbs-web-[12]$/);
  } finally {
    events.stop();
  }
  await s.ok('verbs', ['pause', 'web']);
  assert.equal(await s.inspect('verbs-web-1', '{{.State.Status}}'), 'paused');
  await s.ok('verbs', ['unpause']);
  assert.equal(await s.inspect('verbs-web-2', '{{.State.Status}}'), 'running');
  const images = (await s.ok('verbs', ['images'])).stdout;
  assert.match(images, /^CONTAINER\s+REPOSITORY\s+TAG\s+IMAGE ID\s+SIZE\n/);
  assert.match(images, /^verbs-web-1\s+busybox\s+latest\s+[0-9a-f]{12}\s+\S+/m);
  const top = (await s.ok('verbs', ['top', 'web'])).stdout;
  assert.match(top, /^verbs-web-1\n/m);
  assert.match(top, /httpd -f -p 8080/);
  const port = (await s.ok('verbs', ['port', '--index', '2', 'web', '8080'])).stdout.trim();
  assert.equal(port, (await s.dockerOk(['port', 'verbs-web-2', '8080/tcp'])).trim());
  const local = mkdtempSync(join(tmpdir(), 'berth-compose-cp-'));
  try {
    await s.ok('verbs', ['cp', 'web:/www/index.html', join(local, 'got.html')]);
    assert.equal(readFileSync(join(local, 'got.html'), 'utf8'), 'web\n');
    writeFileSync(join(local, 'put.txt'), 'put\n');
    await s.ok('verbs', ['cp', join(local, 'put.txt'), 'web:/tmp/put.txt']);
    assert.equal((await s.exec('verbs-web-1', ['cat', '/tmp/put.txt'])).stdout, 'put\n');
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
  const ls = (await s.ok('verbs', ['ls'])).stdout;
  assert.match(ls, new RegExp(`^verbs\\s+running\\(2\\)\\s+${join(s.corpus, 'verbs/compose.yaml')}$`, 'm'));
  assert.match((await s.ok('verbs', ['version'])).stdout, /^berth compose version \S+\n$/);
  await s.ok('verbs', ['kill', '-s', 'SIGKILL', 'web']);
  assert.equal(await s.inspect('verbs-web-1', '{{.State.ExitCode}}'), '137');
  await s.ok('verbs', ['up', '-d', 'job']);
  const waited = await s.compose('verbs', ['wait', 'job']);
  assert.equal(waited.code, 3, waited.stderr);
  assert.match(waited.stdout, /^container "[0-9a-f]{64}" exited with status code 3\n$/);
  await s.downClean('verbs', 'verbs');
});
