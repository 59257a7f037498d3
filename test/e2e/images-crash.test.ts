// kill -9 of berthd in the middle of a load: after a restart the store is consistent; the image is absent
// (the load never finished), no partial ingest or stray blob is left, and a new load works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';

const skip = !isRoot() && 'needs root';
// Empty: the load under test is the only one.
const daemon = useDaemon(skip, { load: 'none' });

const listDir = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

test('kill -9 during a load leaves a consistent store', { skip }, async () => {
  const { busybox } = await testImages();
  const archive = readFileSync(busybox);
  const ingest = join(daemon.dataRoot, 'content/ingest');
  // Send half the archive and hold the rest back: the daemon is mid-ingest.
  const req = request({
    socketPath: daemon.socketPath,
    method: 'POST',
    path: '/v1.47/images/load',
    headers: { 'Content-Type': 'application/x-tar', 'Transfer-Encoding': 'chunked' },
  });
  req.on('error', () => undefined);
  req.write(archive.subarray(0, archive.length / 2));
  await until(() => listDir(ingest).length > 0, 'an ingest in progress');
  await daemon.kill9();
  req.destroy();

  await daemon.startAgain();
  assert.deepEqual(listDir(ingest), [], 'partial ingests dropped');
  assert.equal((await docker(daemon.env, ['images', '-q'])).stdout.trim(), '');
  assert.deepEqual(listDir(join(daemon.dataRoot, 'content/blobs/sha256')), [], 'no stray blobs');
  const load = await docker(daemon.env, ['load', '-i', busybox]);
  assert.equal(load.code, 0, load.stderr);
  const run = await docker(daemon.env, ['images', '--format', '{{.Repository}}']);
  assert.equal(run.stdout.trim(), 'busybox');
});
