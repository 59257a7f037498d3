// Images move between berth and Docker's own engine both ways with the same IDs. Needs dockerd (the docker.io
// package); skipped without it. The dockerd is the shared test one (helpers/dockerd.ts): its own socket and roots,
// off the host network and its resolver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot } from '../helpers/daemon.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';

const skip = !isRoot() ? 'needs root' : !hasDockerd() ? 'needs dockerd (apt-get install docker.io)' : false;
// The image that moves is loaded by the test; busybox (loaded by useDockerd) is not looked at.
const berthd = useDaemon(skip, { load: 'none' });
const dockerd = useDockerd(skip);

test('an image saved by Docker loads into berth, and one saved by berth loads into Docker', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-interop-'));
  try {
    const { layered } = await testImages();
    assert.equal((await docker(dockerd.env, ['load', '-i', layered])).code, 0);
    const dockerId = (await docker(dockerd.env, ['images', '-q', '--no-trunc', 'berth-test/layered'])).stdout.trim();
    assert.match(dockerId, /^sha256:[0-9a-f]{64}$/);
    const fromDocker = join(dir, 'from-docker.tar');
    assert.equal((await docker(dockerd.env, ['save', '-o', fromDocker, 'berth-test/layered'])).code, 0);
    assert.equal((await docker(berthd.env, ['load', '-i', fromDocker])).code, 0);
    assert.equal(
      (await docker(berthd.env, ['images', '-q', '--no-trunc', 'berth-test/layered'])).stdout.trim(),
      dockerId,
    );

    assert.equal((await docker(berthd.env, ['tag', 'berth-test/layered', 'made-by-berth:v1'])).code, 0);
    const fromBerth = join(dir, 'from-berth.tar');
    assert.equal((await docker(berthd.env, ['save', '-o', fromBerth, 'made-by-berth:v1'])).code, 0);
    const load = await docker(dockerd.env, ['load', '-i', fromBerth]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal(
      (await docker(dockerd.env, ['images', '-q', '--no-trunc', 'made-by-berth:v1'])).stdout.trim(),
      dockerId,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
