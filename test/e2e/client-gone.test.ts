// A client that goes away ends its exchange on the engine: the engine closes its end of the connection instead of
// keeping it (and the wait or the events follow behind it) until something happens. The API's sockets allow
// half-open connections for hijacked streams, so a request that waits saw the client's FIN only when it next wrote.
// `docker run -d` left one such connection per container (its CLI's cancelled wait) until the container exited.
// Docker's engine and berthd side by side. Skips without root or without dockerd; stops the daemons it starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { once } from 'node:events';
import { isRoot } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';

const skip = !isRoot() ? 'needs root' : !hasDockerd() ? 'dockerd is not installed' : false;

const engines = { dockerd: useDockerd(skip), berthd: useDaemon(skip) };

/** The engine's accepted connections on its API socket that are still established. */
const established = (socketPath: string): string[] =>
  execFileSync('ss', ['-xaH'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => /^u_str\s+ESTAB\b/.test(line) && line.split(/\s+/)[4] === socketPath);

/** Waits (bounded) until the engine holds no established connection on its socket; returns what is left. */
async function settledConnections(socketPath: string): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (established(socketPath).length > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return established(socketPath);
}

/** Sends one request by hand, reads the response's head, then closes the connection without reading on. */
async function requestThenLeave(socketPath: string, method: string, path: string, headers = ''): Promise<string> {
  const socket = connect(socketPath);
  await once(socket, 'connect');
  socket.write(`${method} ${path} HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\n${headers}\r\n`);
  let head = '';
  for await (const chunk of socket) {
    head += String(chunk);
    if (head.includes('\r\n\r\n')) break;
  }
  socket.destroy();
  return head.split('\r\n')[0] ?? '';
}

/** How many descriptors the engine's process holds (its API sockets, and the log file each output follower reads). */
const fdCount = (name: string, dir: string): number =>
  readdirSync(`/proc/${readFileSync(join(dir, name === 'berthd' ? 'berthd.pid' : 'pid'), 'utf8').trim()}/fd`).length;

/** Waits (bounded) until the engine holds at most `count` descriptors; returns how many it holds. */
async function settledFds(name: string, dir: string, count: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (fdCount(name, dir) > count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return fdCount(name, dir);
}

/** Attaches by hand without stdin (`stream=1&stdout=1&stderr=1`), reads the 101's head, then closes at once. */
const attachThenLeave = (socketPath: string, id: string): Promise<string> =>
  requestThenLeave(
    socketPath,
    'POST',
    `/containers/${id}/attach?stream=1&stdout=1&stderr=1`,
    'Connection: Upgrade\r\nUpgrade: tcp\r\n',
  );

/** Runs `docker attach --no-stdin` (its CLI half-closes at once, sending no stdin) until the engine announces the
 * attach, then kills the CLI with SIGKILL: its connection is closed by the kernel, with no goodbye. */
async function cliAttachKilled(env: NodeJS.ProcessEnv, id: string): Promise<void> {
  // Events since now (replayed, so none is missed while `docker events` connects; earlier attaches are older).
  const since = (Date.now() / 1000).toFixed(3);
  const attach = spawn('docker', ['attach', '--no-stdin', id], { env, stdio: 'ignore' });
  const exited = once(attach, 'exit');
  const events = spawn('docker', ['events', '--since', since, '--filter', 'event=attach', '--format', '{{.ID}}'], {
    env,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      events.stdout.on('data', (chunk: Buffer) => {
        out += String(chunk);
        if (out.includes(id)) resolve();
      });
      void exited.then(([code]) => reject(new Error(`docker attach ended (${String(code)}) before its attach event`)));
    });
    attach.kill('SIGKILL');
    await exited;
  } finally {
    events.kill();
  }
}

for (const [name, engine] of Object.entries(engines)) {
  test(`${name}: no connection stays open after docker run -d of a long-running container`, { skip }, async () => {
    const run = await docker(engine.env, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    try {
      assert.deepEqual(await settledConnections(engine.socketPath), []);
    } finally {
      await docker(engine.env, ['rm', '-f', run.stdout.trim()]);
    }
  });

  test(`${name}: a wait whose client left is ended, and its connection closed`, { skip }, async () => {
    const run = await docker(engine.env, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    try {
      for (const condition of ['not-running', 'next-exit', 'removed'])
        assert.match(
          await requestThenLeave(engine.socketPath, 'POST', `/containers/${id}/wait?condition=${condition}`),
          / 200 /,
        );
      assert.deepEqual(await settledConnections(engine.socketPath), []);
    } finally {
      await docker(engine.env, ['rm', '-f', id]);
    }
  });

  test(`${name}: an events follow whose client left is ended, and its connection closed`, { skip }, async () => {
    assert.match(await requestThenLeave(engine.socketPath, 'GET', '/events'), / 200 /);
    assert.deepEqual(await settledConnections(engine.socketPath), []);
  });

  // dockerd 20.10 does not read a hijacked attach without stdin, and keeps the connection of a client that left: while
  // the container is silent, after it wrote on both streams, and after it exited (the diagnostics count them; so
  // does a `docker exec`'s). berthd reads it (dropping the bytes: there is no stdin) and ends it at once.
  test(`${name}: an attach without stdin to a silent container ends when its client leaves`, { skip }, async (t) => {
    const run = await docker(engine.env, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    const held = (when: string): void =>
      t.diagnostic(`${name}, ${when}: ${established(engine.socketPath).length} connection(s) held`);
    try {
      assert.deepEqual(await settledConnections(engine.socketPath), []);
      const before = fdCount(name, engine.dir);
      assert.match(await attachThenLeave(engine.socketPath, id), / 101 /);
      await cliAttachKilled(engine.env, id);
      const inspect = await docker(engine.env, ['inspect', '-f', '{{.State.Running}}', id]);
      assert.equal(inspect.stdout.trim(), 'true', 'the container goes on');
      if (name === 'berthd') {
        assert.deepEqual(await settledConnections(engine.socketPath), [], 'clients gone, the container silent');
        assert.equal(await settledFds(name, engine.dir, before), before, 'descriptors back to before the attaches');
        return;
      }
      held('container silent');
      const write = await docker(engine.env, ['exec', id, 'sh', '-c', 'echo o > /proc/1/fd/1; echo e > /proc/1/fd/2']);
      assert.equal(write.code, 0, write.stderr);
      held('after the container wrote (and an exec)');
      assert.equal((await docker(engine.env, ['kill', id])).code, 0);
      held(`container exited, ${(await settledConnections(engine.socketPath)).length} after 10 s`);
    } finally {
      await docker(engine.env, ['rm', '-f', id]);
    }
  });
}
