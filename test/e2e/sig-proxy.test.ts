// --sig-proxy: a signal sent to an attached `run` or `attach` client (no TTY) reaches the container, as with the
// docker CLI; with --sig-proxy=false it does not (the client dies, the container runs on). The docker CLI runs
// the same scenarios against the same berthd, so the test checks itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { isRoot, BERTH } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { docker } from '../helpers/run.js';

const skip = !isRoot() && 'needs root';
const daemon = useDaemon(skip);

// The shell says "ready" once its trap is set; on TERM it says so and exits 3.
const TRAPPING = ['sh', '-c', 'trap "echo got TERM; exit 3" TERM; echo ready; while true; do sleep 0.05; done'];

const CLIENTS = {
  docker: (args: string[]) => spawn('docker', args, { env: daemon.env, stdio: ['ignore', 'pipe', 'pipe'] }),
  berth: (args: string[]) =>
    spawn(process.execPath, [BERTH, ...args], { env: daemon.env, stdio: ['ignore', 'pipe', 'pipe'] }),
};

/** Starts the client, waits until the container printed "ready", sends SIGTERM to the client, returns how it ended. */
async function terminateWhenReady(
  client: keyof typeof CLIENTS,
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  const child = CLIENTS[client](args);
  let stdout = '';
  const ready = new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('ready\n')) resolve();
    });
  });
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  await Promise.race([
    ready,
    closed.then(() => assert.fail(`${client} ended before the container was ready: ${stdout}`)),
  ]);
  child.kill('SIGTERM');
  const [code, signal] = await closed;
  return { code, signal, stdout };
}

for (const client of ['docker', 'berth'] as const) {
  test(`${client} run: SIGTERM to the client reaches the container (sig-proxy on by default)`, { skip }, async () => {
    const name = `sigproxy-run-${client}`;
    const res = await terminateWhenReady(client, ['run', '--name', name, 'busybox', ...TRAPPING]);
    assert.match(res.stdout, /got TERM/);
    assert.equal(res.code, 3);
    const state = await docker(daemon.env, ['inspect', '-f', '{{.State.Running}} {{.State.ExitCode}}', name]);
    assert.equal(state.stdout.trim(), 'false 3');
  });

  // Only berth here: the docker CLI 28 catches SIGTERM itself whatever --sig-proxy says, and with it off neither
  // forwards it nor exits (unskipped on 2026-12-05: the client was still attached 40 s and 5 min later).
  test(
    `${client} run --sig-proxy=false: the client dies, the container runs on`,
    { skip: skip || (client === 'docker' && 'the docker CLI 28 handles SIGTERM itself') },
    async () => {
      const name = `sigproxy-off-${client}`;
      const res = await terminateWhenReady(client, [
        'run',
        '--sig-proxy=false',
        '--name',
        name,
        'busybox',
        ...TRAPPING,
      ]);
      assert.doesNotMatch(res.stdout, /got TERM/);
      assert.ok(res.signal === 'SIGTERM' || (res.code ?? 0) > 128, `ended by the signal: ${JSON.stringify(res)}`);
      const state = await docker(daemon.env, ['inspect', '-f', '{{.State.Running}}', name]);
      assert.equal(state.stdout.trim(), 'true');
      await docker(daemon.env, ['rm', '-f', name]);
    },
  );

  test(`${client} attach: SIGTERM to the client reaches the container`, { skip }, async () => {
    const name = `sigproxy-attach-${client}`;
    // It says "ready" again and again, so the attached client sees it once its attach is in place.
    const started = await docker(daemon.env, [
      'run',
      '-d',
      '--name',
      name,
      'busybox',
      'sh',
      '-c',
      'trap "echo got TERM; exit 3" TERM; while true; do echo ready; sleep 0.05; done',
    ]);
    assert.equal(started.code, 0, started.stderr);
    const child = CLIENTS[client](['attach', name]);
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const ready = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: string) => ((stdout += chunk), stdout.includes('ready\n') && resolve())),
    );
    const closed = once(child, 'close') as Promise<[number | null]>;
    await ready;
    child.kill('SIGTERM');
    const [code] = await closed;
    assert.match(stdout, /got TERM/);
    assert.equal(code, 3);
  });
}
