// Many unnamed creates at once: each gets a name of its own. The name is drawn at the start of a create and the
// store learns it only at the end, so creates in flight must not draw each other's names (the bench's `ps`
// workload, 10 creates at a time, once failed with a name conflict).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, isRoot, apiRequest, type TestDaemon } from '../helpers/daemon.js';
import { docker } from '../helpers/run.js';
import { testImages } from '../helpers/images.js';

const skip = !isRoot() && 'needs root';
let daemon: TestDaemon;

before(async () => {
  if (skip) return;
  daemon = await startDaemon();
  const load = await docker(daemon.env, ['load', '-i', (await testImages()).busybox]);
  assert.equal(load.code, 0, load.stderr);
});
after(async () => {
  if (!daemon) return;
  await docker(daemon.env, ['container', 'prune', '-f']);
  await daemon.cleanup();
});

const createUnnamed = (socketPath: string) =>
  apiRequest(socketPath, '/v1.47/containers/create', {
    method: 'POST',
    json: { Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } },
  });

// 150 at once from 3,599 adjective_noun names: without reservations, two drawing the same name is near certain.
test('150 concurrent unnamed creates all succeed with distinct names', { skip }, async () => {
  const results = await Promise.all(Array.from({ length: 150 }, () => createUnnamed(daemon.socketPath)));
  const failures = results.filter((r) => r.status !== 201);
  assert.deepEqual(failures, []);
  const names = (await docker(daemon.env, ['ps', '-a', '--format', '{{.Names}}'])).stdout.trim().split('\n');
  assert.equal(names.length, 150);
  assert.equal(new Set(names).size, 150);
});
