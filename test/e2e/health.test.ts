// Health checks end to end with the real docker CLI and berth against berthd: a passing check turns healthy
// and a failing one unhealthy (ps STATUS, ps --filter health=, inspect State.Health, health_status events);
// a hanging probe times out and is killed; a flooding probe is cut at 4096 bytes; the image's HEALTHCHECK and
// --no-healthcheck; checks go on after a daemon restart; berth's opt-in restart on unhealthy.
// Every wait is on an event stream, never a sleep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { berth, docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';

const skip = !isRoot() && 'needs root';
const daemon = useDaemon(skip);

async function ok(args: string[], client = docker): Promise<string> {
  const r = await client(daemon.env, args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Resolves once `docker events` (from `since`) shows `action` for the container; rejects after 20s. */
function waitForEvent(container: string, action: string, since: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'docker',
      ['events', '--since', String(since), '--filter', `container=${container}`, '--format', '{{.Action}}'],
      { env: daemon.env },
    );
    let seen = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no "${action}" event for ${container} (saw: ${seen})`));
    }, 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      seen += chunk;
      if (seen.split('\n').includes(action)) {
        clearTimeout(timer);
        child.kill();
        resolve();
      }
    });
  });
}

/** Loads the busybox test archive with a Healthcheck in its image config, tagged `tag`. */
async function loadWithHealthcheck(tag: string, healthcheck: Record<string, unknown>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-hc-image-'));
  try {
    execFileSync('tar', ['-xf', (await testImages()).busybox, '-C', dir]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      Config: string;
      RepoTags: string[];
    }[];
    const entry = manifest[0] as { Config: string; RepoTags: string[] };
    const config = JSON.parse(readFileSync(join(dir, entry.Config), 'utf8')) as { config: Record<string, unknown> };
    config.config.Healthcheck = healthcheck;
    const text = JSON.stringify(config);
    const name = `${createHash('sha256').update(text).digest('hex')}.json`;
    rmSync(join(dir, entry.Config));
    writeFileSync(join(dir, name), text);
    entry.Config = name;
    entry.RepoTags = [tag];
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    rmSync(join(dir, 'repositories'), { force: true });
    const archive = execFileSync('tar', ['-cf', '-', '-C', dir, '.'], { maxBuffer: 64 * 1024 * 1024 });
    const load = await docker(daemon.env, ['load'], { input: archive });
    assert.equal(load.code, 0, load.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const nowS = (): number => Math.floor(Date.now() / 1000) - 1;

interface Health {
  Status: string;
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}
const healthOf = async (c: string): Promise<Health> =>
  JSON.parse(await ok(['inspect', '-f', '{{json .State.Health}}', c])) as Health;

test(
  'a passing check turns healthy and a failing one unhealthy: ps, filters, inspect, events (docker and berth)',
  { skip },
  async () => {
    const since = nowS();
    const healthy = waitForEvent('good', 'health_status: healthy', since);
    const unhealthy = waitForEvent('bad', 'health_status: unhealthy', since);
    await ok([
      'run',
      '-d',
      '--name',
      'good',
      '--health-cmd',
      'exit 0',
      '--health-interval',
      '200ms',
      'busybox',
      'sleep',
      '1000',
    ]);
    await ok(
      [
        'run',
        '-d',
        '--name',
        'bad',
        '--health-cmd',
        'echo failing; exit 3',
        '--health-interval',
        '200ms',
        '--health-retries',
        '2',
        'busybox',
        'sleep',
        '1000',
      ],
      berth,
    );
    await Promise.all([healthy, unhealthy]);
    for (const client of [docker, berth]) {
      assert.match(
        await ok(['ps', '--filter', 'name=good', '--format', '{{.Status}}'], client),
        /^Up .* \(healthy\)\n$/,
      );
      assert.match(
        await ok(['ps', '--filter', 'name=bad', '--format', '{{.Status}}'], client),
        /^Up .* \(unhealthy\)\n$/,
      );
      assert.equal(await ok(['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}}'], client), 'bad\n');
      assert.equal(await ok(['ps', '--filter', 'health=healthy', '--format', '{{.Names}}'], client), 'good\n');
    }
    const bad = await healthOf('bad');
    assert.equal(bad.Status, 'unhealthy');
    assert.ok(bad.FailingStreak >= 2);
    assert.deepEqual([bad.Log[0]?.ExitCode, bad.Log[0]?.Output], [3, 'failing\n']);
    assert.ok(Date.parse(bad.Log[0]?.End ?? '') >= Date.parse(bad.Log[0]?.Start ?? ''));
    const filter = await docker(daemon.env, ['ps', '--filter', 'health=bogus']);
    assert.equal(filter.code, 1);
    assert.match(filter.stderr, /Unrecognised filter value for health: bogus/);
    // Stopped: Docker reports the last state as unhealthy and keeps the log.
    await ok(['stop', '-t', '0', 'good']);
    assert.equal((await healthOf('good')).Status, 'unhealthy');
    // Before the first probe: "health: starting".
    await ok([
      'run',
      '-d',
      '--name',
      'slow',
      '--health-cmd',
      'true',
      '--health-interval',
      '1h',
      'busybox',
      'sleep',
      '1000',
    ]);
    assert.match(
      await ok(['ps', '--filter', 'health=starting', '--format', '{{.Names}} {{.Status}}']),
      /^slow Up .* \(health: starting\)\n$/,
    );
    await ok(['rm', '-f', 'slow']);
    // No health check: no State.Health, status "none" for the filter.
    await ok(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '1000']);
    assert.equal(await ok(['inspect', '-f', '{{.State.Health}}', 'plain']), '<nil>\n');
    assert.match(await ok(['ps', '--filter', 'health=none', '--format', '{{.Names}}']), /plain/);
    await ok(['rm', '-f', 'good', 'bad', 'plain']);
  },
);

test('a hanging probe times out and is killed; a flooding probe is cut at 4096 bytes', { skip }, async () => {
  const since = nowS();
  const hung = waitForEvent('hang', 'health_status: unhealthy', since);
  const flooded = waitForEvent('flood', 'health_status: healthy', since);
  await ok([
    'run',
    '-d',
    '--name',
    'hang',
    '--health-cmd',
    'sleep 30; echo never',
    '--health-timeout',
    '300ms',
    '--health-interval',
    '200ms',
    '--health-retries',
    '1',
    'busybox',
    'sleep',
    '1000',
  ]);
  await ok([
    'run',
    '-d',
    '--name',
    'flood',
    '--health-cmd',
    'yes | head -c 100000',
    '--health-interval',
    '200ms',
    'busybox',
    'sleep',
    '1000',
  ]);
  await Promise.all([hung, flooded]);
  const hang = await healthOf('hang');
  assert.deepEqual([hang.Log[0]?.ExitCode, hang.Log[0]?.Output], [-1, 'Health check exceeded timeout (300ms)']);
  assert.ok(Date.parse(hang.Log[0]?.End ?? '') - Date.parse(hang.Log[0]?.Start ?? '') < 5000, 'the timeout applied');
  const pid = (await ok(['inspect', '-f', '{{.State.Pid}}', 'hang'])).trim();
  // The probe's `sleep 30` went with it: nothing in the container's session but its own process.
  const lingering = execFileSync('ps', ['-eo', 'ppid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.trim().startsWith(`${pid} `) && l.includes('sleep 30'));
  assert.deepEqual(lingering, []);
  const flood = await healthOf('flood');
  const output = flood.Log[0]?.Output ?? '';
  assert.equal(output.length, 4096 + 3);
  assert.ok(output.endsWith('y\n...'));
  await ok(['rm', '-f', 'hang', 'flood']);
});

test(
  'the image HEALTHCHECK applies, --no-healthcheck turns it off; bad health options are refused',
  { skip },
  async () => {
    // An image with a HEALTHCHECK: the busybox archive with one in its config, loaded under its own tag.
    const image = 'busybox:healthcheck';
    await loadWithHealthcheck(image, { Test: ['CMD', 'true'], Interval: 200_000_000 });
    const since = nowS();
    const healthy = waitForEvent('withimagecheck', 'health_status: healthy', since);
    await ok(['run', '-d', '--name', 'withimagecheck', image, 'sleep', '1000']);
    await healthy;
    await ok(['run', '-d', '--name', 'nocheck', '--no-healthcheck', image, 'sleep', '1000']);
    assert.equal(
      await ok(['inspect', '-f', '{{.State.Health}} {{json .Config.Healthcheck.Test}}', 'nocheck']),
      '<nil> ["NONE"]\n',
    );
    const conflict = await docker(daemon.env, ['run', '--no-healthcheck', '--health-cmd', 'true', 'busybox']);
    assert.equal(conflict.code, 125);
    assert.match(conflict.stderr, /--no-healthcheck conflicts with --health-\* options/);
    const tiny = await docker(daemon.env, ['run', '--health-cmd', 'true', '--health-interval', '100us', 'busybox']);
    assert.equal(tiny.code, 125);
    assert.match(tiny.stderr, /Interval in Healthcheck cannot be less than 1ms/);
    await ok(['rm', '-f', 'withimagecheck', 'nocheck']);
  },
);

test(
  'checks go on after a daemon restart; the opt-in restart on unhealthy restarts the container',
  { skip },
  async () => {
    await ok([
      'run',
      '-d',
      '--name',
      'survivor',
      '--health-cmd',
      'exit 0',
      '--health-interval',
      '200ms',
      'busybox',
      'sleep',
      '1000',
    ]);
    await waitForEvent('survivor', 'health_status: healthy', nowS() - 5);
    await daemon.stop();
    await daemon.startAgain();
    const afterRestart = Date.now();
    // A probe result newer than the restart shows the timer was re-armed.
    const probes = await (async () => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const h = await healthOf('survivor');
        if (h.Log.some((l) => Date.parse(l.Start) > afterRestart) || Date.now() > deadline) return h;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    assert.ok(
      probes.Log.some((l) => Date.parse(l.Start) > afterRestart),
      'probes after the restart',
    );
    assert.equal(probes.Status, 'healthy');

    const since = nowS();
    const restarted = waitForEvent('phoenix', 'restart', since);
    await ok([
      'run',
      '-d',
      '--name',
      'phoenix',
      '--label',
      'berth.restart-on-unhealthy=true',
      '--stop-timeout',
      '1',
      '--health-cmd',
      'test ! -f /tmp/sick',
      '--health-interval',
      '200ms',
      '--health-retries',
      '1',
      'busybox',
      'sh',
      '-c',
      'if [ -f /tmp/started ]; then rm /tmp/sick; sleep 1000; else touch /tmp/started /tmp/sick; sleep 1000; fi',
    ]);
    await restarted;
    await waitForEvent('phoenix', 'health_status: healthy', since);
    assert.equal(
      await ok(['inspect', '-f', '{{.RestartCount}} {{.State.Status}} {{.State.Health.Status}}', 'phoenix']),
      '1 running healthy\n',
    );
    await ok(['rm', '-f', 'survivor', 'phoenix']);
  },
);
