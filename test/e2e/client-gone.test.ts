// A client that goes away ends its exchange on the engine: the engine closes its end of the connection instead of
// keeping it (and the wait or the events follow behind it) until something happens. The API's sockets allow
// half-open connections for hijacked streams, so a request that waits saw the client's FIN only when it next wrote.
// `docker run -d` left one such connection per container (its CLI's cancelled wait) until the container exited.
// Docker's engine and berthd side by side. Skips without root or without dockerd; stops the daemons it starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
async function requestThenLeave(socketPath: string, method: string, path: string): Promise<string> {
  const socket = connect(socketPath);
  await once(socket, 'connect');
  socket.write(`${method} ${path} HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\n\r\n`);
  let head = '';
  for await (const chunk of socket) {
    head += String(chunk);
    if (head.includes('\r\n\r\n')) break;
  }
  socket.destroy();
  return head.split('\r\n')[0] ?? '';
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
}
