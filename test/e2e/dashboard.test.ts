// The web dashboard end to end: a real berthd serving it on a free loopback port, driven by headless
// Chromium (playwright-core): login and same-origin rules, start/stop by clicking, logs that follow,
// 100,000 log lines, images and history, system df and events, the terminal where exec exists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { isRoot } from '../helpers/daemon.js';
import { berth, docker } from '../helpers/run.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testImages } from '../helpers/images.js';
import { chromiumPath, startDashboardSession, type DashboardSession } from '../helpers/dashboard.js';
import { hasDockerRegistry, startRegistry } from '../helpers/docker-registry.js';

const skip = (!isRoot() && 'needs root') || (!chromiumPath() && 'needs chromium (scripts/setup.sh)');
let s: DashboardSession;

before(async () => {
  if (skip) return;
  s = await startDashboardSession();
  const images = await testImages();
  for (const tar of [images.busybox, images.layered]) {
    const load = await docker(s.daemon.env, ['load', '-i', tar]);
    assert.equal(load.code, 0, load.stderr);
  }
});
after(async () => {
  if (!s) return;
  // Running containers outlive the daemon (conmon): stop them; the rest goes with the daemon's temp dir.
  const ids = (await docker(s.daemon.env, ['ps', '-q'])).stdout.split('\n').filter(Boolean);
  if (ids.length) await docker(s.daemon.env, ['rm', '-f', ...ids]);
  await s.close();
});

const d = (args: string[]) => docker(s.daemon.env, args);
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${s.url}api/v1.47${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${s.token}`, ...(init.headers ?? {}) },
  });

/** Whether the engine answers an exec create for this container (exec lands in its own issue). */
/** Reads the events stream (through the dashboard) from the start until one event matches the filters. */
async function firstEvent(filters: Record<string, string[]>): Promise<unknown> {
  const abort = new AbortController();
  const res = await api(`/events?since=0&filters=${encodeURIComponent(JSON.stringify(filters))}`, {
    signal: abort.signal,
  });
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  abort.abort();
  return JSON.parse(new TextDecoder().decode(value).split('\n')[0] ?? '');
}

/** The HTTP status a websocket handshake to the exec bridge gets (101 = accepted). */
function websocketStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}api/ws/exec/abc`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('upgrade', (res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}

test('the dashboard needs its token and refuses cross-site requests', { skip }, async () => {
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal((await fetch(`${s.url}api/v1.47/version`)).status, 401);
  assert.equal((await fetch(`${s.url}login?token=wrong-token-wrong-token`)).status, 401);
  assert.equal((await api('/version')).status, 200);
  assert.equal((await api('/version', { headers: { Origin: 'http://evil.example' } })).status, 403);
  assert.equal(
    (await api('/containers/create', { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site' } })).status,
    403,
  );
  // The token cookie is HttpOnly and SameSite=Strict.
  const login = await fetch(`${s.url}login?token=${s.token}`, { redirect: 'manual' });
  assert.equal(login.status, 303);
  assert.match(login.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
  assert.equal(login.headers.get('access-control-allow-origin'), null);
  // A terminal websocket without the token, or from another origin, is refused before any engine call.
  assert.equal(await websocketStatus({}), 403);
  assert.equal(await websocketStatus({ Authorization: `Bearer ${s.token}`, Origin: 'http://evil.example' }), 403);
});

test('containers: start and stop a container by clicking', { skip }, async () => {
  const created = await d([
    'create',
    '--name',
    'clicky',
    'busybox',
    'sh',
    '-c',
    "trap 'exit 0' TERM; sleep 1000 & wait",
  ]);
  assert.equal(created.code, 0, created.stderr);
  const { page } = s;
  await page.goto(`${s.url}#/containers`);
  const row = page.locator('[data-name="clicky"]');
  await row.waitFor();
  assert.equal(await row.getAttribute('data-state'), 'created');
  await row.getByTestId('start').click();
  // The list refreshes from the events stream.
  await page.locator('[data-name="clicky"][data-state="running"]').waitFor();
  assert.match((await d(['inspect', '-f', '{{.State.Status}}', 'clicky'])).stdout, /running/);
  await s.shot('containers');
  await page.locator('[data-name="clicky"]').getByTestId('stop').click();
  await page.locator('[data-name="clicky"][data-state="exited"]').waitFor();
  assert.match((await d(['inspect', '-f', '{{.State.Status}}', 'clicky'])).stdout, /exited/);
});

test('compose projects: grouped by label; logs, up and down run berth compose through the API', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-dashboard-compose-'));
  try {
    const service = (name: string): string =>
      `  ${name}:\n    image: busybox\n    command: sh -c 'echo ${name} says hi; exec sleep 1000'\n` +
      `    stop_signal: SIGKILL\n    labels: {berth.test/who: '\${WHO}'}\n`;
    writeFileSync(join(dir, 'compose.yaml'), `services:\n${service('web')}${service('worker')}`);
    // Brought up with an --env-file: the dashboard's Up interpolates with it too (its label), so it recreates nothing.
    writeFileSync(join(dir, 'dash.env'), 'WHO=from-env-file\n');
    const file = ['-p', 'dash', '-f', join(dir, 'compose.yaml'), '--env-file', join(dir, 'dash.env')];
    const up = await berth(s.daemon.env, ['compose', ...file, 'up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    const workerId = (await d(['inspect', '-f', '{{.Id}}', 'dash-worker-1'])).stdout;
    const { page } = s;
    await page.goto(`${s.url}#/containers`);
    const project = page.locator('[data-project="dash"]');
    await page.locator('[data-project="dash"][data-running="2"]').waitFor();
    await project.getByTestId('compose-logs').click();
    const logs = await project.getByTestId('compose-log-lines').textContent();
    assert.match(logs ?? '', /^dash-web-1 {2}\| web says hi$/m);
    assert.match(logs ?? '', /^dash-worker-1 {2}\| worker says hi$/m);
    // Up starts what is stopped (berth compose's up, on the dashboard server); the list follows the events.
    assert.equal((await d(['stop', 'dash-web-1'])).code, 0);
    await page.locator('[data-project="dash"][data-running="1"]').waitFor();
    await project.getByTestId('compose-up').click();
    await page.locator('[data-project="dash"][data-running="2"]').waitFor();
    assert.equal((await d(['inspect', '-f', '{{.Id}}', 'dash-worker-1'])).stdout, workerId, 'worker not recreated');
    // The confirm dialog is accepted by the session (helpers/dashboard.ts).
    await project.getByTestId('compose-down').click();
    await project.waitFor({ state: 'detached' });
    const filter = ['--filter', 'label=com.docker.compose.project=dash'];
    assert.equal((await d(['ps', '-aq', ...filter])).stdout, '');
    assert.equal((await d(['network', 'ls', '-q', ...filter])).stdout, '');
    // A project nobody knows: Docker's error shape.
    const res = await fetch(`${s.url}api/compose/projects/nothere/up`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}` },
    });
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { message: string }).message, /no such compose project: nothere/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('container page: logs follow as the container writes', { skip }, async () => {
  const run = await d([
    'run',
    '-d',
    '--name',
    'ticker',
    'busybox',
    'sh',
    '-c',
    'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done',
  ]);
  assert.equal(run.code, 0, run.stderr);
  const id = run.stdout.trim();
  const { page } = s;
  await page.goto(`${s.url}#/containers/${id}/logs`);
  const lines = page.getByTestId('log-lines');
  await lines
    .getByText(/^tick \d+$/)
    .first()
    .waitFor();
  const seen = Math.max(
    ...(await lines.getByText(/^tick \d+$/).allInnerTexts()).map((t) => Number(t.slice('tick '.length))),
  );
  // Lines written after the page opened arrive without a reload, and the view follows them.
  await lines.getByText(`tick ${seen + 3}`, { exact: true }).waitFor();
  await s.shot('container-logs');
  await page.goto(`${s.url}#/containers/${id}/overview`);
  await page.getByTestId('state').filter({ hasText: 'running' }).waitFor();
  await s.shot('container');
  await d(['rm', '-f', 'ticker']);
});

test('container page: 100,000 log lines stay scrollable to the last one', { skip }, async () => {
  const run = await d(['run', '--name', 'chatty', 'busybox', 'sh', '-c', 'seq 1 100000; echo the-last-line']);
  assert.equal(run.code, 0, run.stderr);
  const id = (await d(['inspect', '-f', '{{.Id}}', 'chatty'])).stdout.trim();
  const { page } = s;
  const started = Date.now();
  await page.goto(`${s.url}#/containers/${id}/logs`);
  await page.getByTestId('log-count').filter({ hasText: '100,001 lines' }).waitFor({ timeout: 60_000 });
  const loadedMs = Date.now() - started;
  // Followed to the end already; then up to the top and back down again.
  const list = page.getByTestId('log-lines');
  await list.getByText('the-last-line', { exact: true }).waitFor();
  await list.evaluate((el) => (el.scrollTop = 0));
  await list.getByText('1', { exact: true }).waitFor();
  const scrollStart = Date.now();
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await list.getByText('the-last-line', { exact: true }).waitFor();
  const scrollMs = Date.now() - scrollStart;
  const rendered = await list.locator('.vrow').count();
  assert.ok(rendered < 200, `only the rows in view are in the DOM (${rendered})`);
  console.log(
    `# 100,001 log lines: loaded and shown in ${loadedMs} ms, scrolled top -> last line in ${scrollMs} ms, ${rendered} rows in the DOM`,
  );
  await s.shot('logs-100k');
  await d(['rm', 'chatty']);
});

test('images: list, history with sizes, and the run form', { skip }, async () => {
  const { page } = s;
  await page.goto(`${s.url}#/images`);
  const row = page.locator('[data-image="busybox:latest"]');
  await row.waitFor();
  await row.click();
  const history = page.getByTestId('history');
  await history.locator('tbody tr').first().waitFor();
  await s.shot('images');
  await row.getByTestId('run').click();
  const form = page.getByTestId('run-form');
  await form.locator('input[name="name"]').fill('from-form');
  await form.locator('input[name="command"]').fill('echo made by the form; sleep 1000');
  await form.locator('textarea[name="env"]').fill('GREETING=hello');
  await form.locator('select[name="restart"]').selectOption('unless-stopped');
  await form.getByRole('button', { name: 'Run' }).click();
  await page.getByTestId('state').filter({ hasText: 'running' }).waitFor();
  const inspect = JSON.parse((await d(['inspect', 'from-form'])).stdout) as [
    { Config: { Env: string[] }; HostConfig: { RestartPolicy: { Name: string } } },
  ];
  assert.ok(inspect[0].Config.Env.includes('GREETING=hello'));
  assert.equal(inspect[0].HostConfig.RestartPolicy.Name, 'unless-stopped');
  await d(['rm', '-f', 'from-form']);
});

test('system: disk usage and the live events feed', { skip }, async () => {
  const { page } = s;
  await page.goto(`${s.url}#/system`);
  await page.getByTestId('disk-usage').locator('tbody tr').first().waitFor();
  const created = await d(['create', '--name', 'evented', 'busybox', 'true']);
  assert.equal(created.code, 0, created.stderr);
  await page
    .getByTestId('events')
    .getByText(/container create\s+evented/)
    .waitFor();
  await s.shot('system');
  await d(['rm', 'evented']);
});

test('volumes and networks pages answer (or say the engine has none yet)', { skip }, async () => {
  const { page } = s;
  for (const name of ['volumes', 'networks']) {
    await page.goto(`${s.url}#/${name}`);
    await page.locator(`[data-testid="${name}"], .notice, .error`).first().waitFor();
    assert.equal(
      await page.locator('.error').count(),
      0,
      await page
        .locator('.error')
        .allInnerTexts()
        .then((t) => t.join()),
    );
    await s.shot(name);
  }
  // The built-in networks are listed and inspectable (test daemons run with --bridge=none: no bridge here).
  await page.goto(`${s.url}#/networks`);
  const none = page.getByTestId('networks').locator('tr', { hasText: /^none/ }).first();
  await none.click();
  await page.locator('pre.json', { hasText: '"Name": "none"' }).waitFor();
  await s.shot('networks');
});

test('terminal: echo hi in a container shell', { skip }, async () => {
  const run = await d(['run', '-d', '--name', 'shell', 'busybox', 'sleep', '1000']);
  assert.equal(run.code, 0, run.stderr);
  const id = run.stdout.trim();
  const { page } = s;
  await page.goto(`${s.url}#/containers/${id}/terminal`);
  await page.getByTestId('terminal-status').filter({ hasText: 'connected' }).waitFor();
  await page.getByTestId('terminal').click();
  await page.keyboard.type('echo hi');
  await page.keyboard.press('Enter');
  await page
    .locator('.xterm-rows > div')
    .filter({ hasText: /^\s*hi\s*$/ })
    .first()
    .waitFor();
  await s.shot('terminal');
  // The TTY has the terminal's size, and follows the window's.
  const ttySize = async (marker: string): Promise<[number, number]> => {
    await page.keyboard.type(`echo ${marker} $(stty size)`);
    await page.keyboard.press('Enter');
    const row = page
      .locator('.xterm-rows > div')
      .filter({ hasText: new RegExp(`^\\s*${marker} \\d+ \\d+\\s*$`) })
      .first();
    await row.waitFor();
    const [, rows, cols] = (await row.innerText()).trim().split(/\s+/).map(Number);
    return [rows ?? 0, cols ?? 0];
  };
  const [rows, cols] = await ttySize('size1');
  assert.ok(rows > 10 && cols > 40, `${rows}x${cols}`);
  const resized = page.waitForResponse((r) => /\/exec\/[^/]+\/resize\?/.test(r.url()) && r.ok());
  await page.setViewportSize({ width: 1000, height: 600 });
  await resized;
  const [rows2, cols2] = await ttySize('size2');
  await page.setViewportSize({ width: 1400, height: 860 });
  assert.ok(rows2 < rows && cols2 < cols, `${rows}x${cols} -> ${rows2}x${cols2}`);
  await d(['rm', '-f', 'shell']);
});

test('playground: a busybox shell that removes itself', { skip }, async () => {
  const { page } = s;
  await page.goto(`${s.url}#/playground`);
  await page.getByTestId('playground-start').click();
  const status = page.getByTestId('terminal-status');
  await status.filter({ hasText: /connected|not available|error|ended/ }).waitFor();
  assert.equal(await status.innerText(), 'connected');
  const running = await d(['ps', '-q', '--filter', 'label=berth.dashboard.playground']);
  assert.equal(running.stdout.trim().split('\n').length, 1, 'one playground container runs');
  await page.getByTestId('terminal').click();
  await page.keyboard.type('echo hi from the playground');
  await page.keyboard.press('Enter');
  await page
    .locator('.xterm-rows > div')
    .filter({ hasText: /^\s*hi from the playground\s*$/ })
    .first()
    .waitFor();
  await s.shot('playground');
  await page.keyboard.type('exit');
  await page.keyboard.press('Enter');
  await status.filter({ hasText: 'session ended' }).waitFor();
  // The container goes once the shell exits: wait for its destroy event.
  await firstEvent({ label: ['berth.dashboard.playground'], event: ['destroy'] });
  const left = await d(['ps', '-aq', '--filter', 'label=berth.dashboard.playground']);
  assert.equal(left.stdout.trim(), '');
});

test('containers: pause by clicking, and live CPU and memory charts', { skip }, async () => {
  const run = await d([
    'run',
    '-d',
    '--name',
    'busy',
    'busybox',
    'sh',
    '-c',
    "trap 'exit 0' TERM; while true; do i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; sleep 0.1; done",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const id = run.stdout.trim();
  const { page } = s;
  await page.goto(`${s.url}#/containers`);
  const row = page.locator('[data-name="busy"][data-state="running"]');
  await row.locator('.usage').filter({ hasText: /%/ }).waitFor();
  await row.getByTestId('pause').click();
  await page.locator('[data-name="busy"][data-state="paused"]').getByTestId('unpause').click();
  await page.locator('[data-name="busy"][data-state="running"]').waitFor();
  await page.goto(`${s.url}#/containers/${id}/stats`);
  // The charts grow with each sample of the stats stream.
  await page.locator('[data-testid="cpu-chart"][data-points="3"]').waitFor();
  assert.match(await page.getByTestId('mem-chart').innerText(), /Memory: \d/);
  await s.shot('container-stats');
  await d(['rm', '-f', 'busy']);
});

test(
  'images: pull from a local registry with live progress',
  { skip: skip || (!hasDockerRegistry() && 'needs docker-registry (scripts/setup.sh)') },
  async () => {
    const registry = await startRegistry();
    try {
      const ref = `${registry.host}/dash/layered:v1`;
      assert.equal((await d(['tag', 'berth-test/layered:latest', ref])).code, 0);
      const push = await d(['push', ref]);
      assert.equal(push.code, 0, push.stderr);
      assert.equal((await d(['rmi', ref, 'berth-test/layered:latest'])).code, 0);
      const { page } = s;
      await page.goto(`${s.url}#/images`);
      await page.locator('input[name="ref"]').fill(ref);
      await page.getByRole('button', { name: 'Pull' }).click();
      await page
        .getByTestId('pull-log')
        .filter({ hasText: `Status: Downloaded newer image for ${ref}` })
        .waitFor();
      const layers = page.getByTestId('pull-layer');
      assert.equal(await layers.count(), 3);
      assert.equal(await layers.filter({ hasText: /Pull complete|Already exists/ }).count(), 3);
      await page.locator(`[data-image="${ref}"]`).waitFor();
      await s.shot('images-pull');
    } finally {
      await registry.stop();
    }
  },
);

test('volumes: create, inspect and remove from the page', { skip }, async () => {
  const { page } = s;
  await page.goto(`${s.url}#/volumes`);
  await page.locator('input[name="name"]').fill('dash-data');
  await page.getByRole('button', { name: 'Create volume' }).click();
  const row = page.getByTestId('volumes').locator('tr', { hasText: 'dash-data' }).first();
  await row.waitFor();
  await row.click();
  await page.locator('pre.json', { hasText: '"Name": "dash-data"' }).waitFor();
  await s.shot('volumes');
  await row.getByRole('button', { name: 'Remove' }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await d(['volume', 'ls', '-q'])).stdout.includes('dash-data'), false);
});

// Last: it leaves 500 containers behind (they go with the daemon's temporary root).
test('containers: the list stays fast with 500 containers', { skip }, async () => {
  const created = await createMany(500);
  const { page } = s;
  const started = Date.now();
  await page.goto(`${s.url}#/containers`);
  await page
    .getByTestId('container-count')
    .filter({ hasText: new RegExp(`^${created} of ${created}$`) })
    .waitFor();
  const shownMs = Date.now() - started;
  await s.shot('containers-500');
  const list = page.getByTestId('containers');
  assert.ok((await list.locator('.vrow').count()) < 60, 'only the rows in view are in the DOM');
  const scrollStart = Date.now();
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await list.locator(`[data-row="${created - 1}"]`).waitFor();
  const scrollMs = Date.now() - scrollStart;
  await page.locator('input[placeholder="Filter by name, image or pod"]').fill('bulk-499');
  await page
    .getByTestId('container-count')
    .filter({ hasText: `1 of ${created}` })
    .waitFor();
  console.log(`# ${created} containers: list shown in ${shownMs} ms, scrolled to the last row in ${scrollMs} ms`);
});

/** Creates busybox containers named bulk-N through the Engine API, 8 at a time; returns how many exist now. */
async function createMany(count: number): Promise<number> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const n = next++;
        const res = await api(`/containers/create?name=bulk-${n}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ Image: 'busybox', Cmd: ['true'] }),
        });
        assert.equal(res.status, 201, await res.text());
      }
    }),
  );
  return (await d(['ps', '-aq'])).stdout.split('\n').filter(Boolean).length;
}
