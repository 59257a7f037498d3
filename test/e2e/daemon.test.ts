// The daemon itself: start, API headers and versions, docker version/info, lock, clean stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, isRoot, apiRequest } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { docker, berth } from '../helpers/run.js';

const skip = !isRoot() && 'needs root';

const get = (socketPath: string, path: string, method = 'GET') => apiRequest(socketPath, path, { method });

// The daemon itself is under test: no image loaded, as before.
const daemon = useDaemon(skip, { load: 'none' });

test('ping answers with Docker headers, GET and HEAD', { skip }, async () => {
  const res = await get(daemon.socketPath, '/_ping');
  assert.equal(res.status, 200);
  assert.equal(res.body, 'OK');
  assert.equal(res.headers['api-version'], '1.47');
  assert.equal(res.headers['ostype'], 'linux');
  assert.equal(res.headers['docker-experimental'], 'false');
  const head = await get(daemon.socketPath, '/_ping', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['api-version'], '1.47');
});

test('versioned and unversioned routes; out-of-range versions get 400 with Docker message', { skip }, async () => {
  assert.equal((await get(daemon.socketPath, '/v1.41/version')).status, 200);
  assert.equal((await get(daemon.socketPath, '/version')).status, 200);
  const tooNew = await get(daemon.socketPath, '/v1.99/version');
  assert.equal(tooNew.status, 400);
  assert.equal(tooNew.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(tooNew.body), {
    message: 'client version 1.99 is too new. Maximum supported API version is 1.47',
  });
  const tooOld = await get(daemon.socketPath, '/v1.12/version');
  assert.equal(tooOld.status, 400);
  assert.match(
    JSON.parse(tooOld.body).message,
    /client version 1.12 is too old. Minimum supported API version is 1.24/,
  );
  const missing = await get(daemon.socketPath, '/v1.47/nothing/here');
  assert.equal(missing.status, 404);
  assert.deepEqual(JSON.parse(missing.body), { message: 'page not found' });
});

test('docker version and docker info work against berthd', { skip }, async () => {
  const version = await docker(daemon.env, ['version', '--format', '{{.Server.APIVersion}} {{.Server.Os}}']);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout.trim(), '1.47 linux');
  const info = await docker(daemon.env, ['info', '--format', '{{json .}}']);
  assert.equal(info.code, 0, info.stderr);
  const parsed = JSON.parse(info.stdout) as {
    DockerRootDir: string;
    NCPU: number;
    MemTotal: number;
    CgroupVersion: string;
  };
  assert.equal(parsed.DockerRootDir, daemon.dataRoot);
  assert.ok(parsed.NCPU >= 1);
  assert.ok(parsed.MemTotal > 0);
  assert.match(parsed.CgroupVersion, /^[12]$/);
});

test('berth version talks to the daemon', { skip }, async () => {
  const res = await berth(daemon.env, ['version']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /API version:\s+1\.47/);
});

test('a second daemon on the same data root is refused', { skip }, async () => {
  const second = startDaemon({ dir: daemon.dir });
  await assert.rejects(second, /another berthd \(pid \d+\) is using data root/);
});

test('berth reports a missing daemon clearly', async () => {
  const res = await berth({ ...process.env, BERTH_HOST: 'unix:///nonexistent/berth.sock' }, ['version']);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /Cannot connect to the berth daemon at unix:\/\/\/nonexistent\/berth.sock/);
});

test('a daemon whose stderr reader went away still stops on SIGTERM', { skip }, async () => {
  // A supervisor that dies leaves berthd logging into a pipe nobody reads (EPIPE). pino's destination before
  // sonic-boom 5.0.2 retried such a write forever when it flushed at exit (with pino alone: 3 hangs in 3 runs), and a
  // SIGTERM right after "API listening" came before berthd took the signal, killing it mid-start (this test, before).
  const orphan = await startDaemon();
  try {
    orphan.process.stderr?.destroy();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'still running'>(
      (resolve) => (timer = setTimeout(() => resolve('still running'), 30_000)),
    );
    const code = await Promise.race([orphan.stop(), gaveUp]);
    clearTimeout(timer);
    assert.equal(code, 0, `berthd exits, and cleanly, on SIGTERM (signal ${orphan.process.signalCode})`);
  } finally {
    await orphan.kill9();
    await orphan.cleanup();
  }
});
