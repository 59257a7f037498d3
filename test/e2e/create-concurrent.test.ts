// Many unnamed creates: each gets a name of its own, on berthd and on Docker's engine alike. The name is drawn at
// the start of a create and the store learns it only at the end, so creates in flight must not draw each other's
// names (the bench's `ps` workload, 10 creates at a time, once failed with a name conflict); and with hundreds
// of containers from berth's 3,599 adjective_noun names, draws collide with stored names and must be retried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRoot, apiRequest } from '../helpers/daemon.js';
import { hasDockerd } from '../helpers/dockerd.js';
import { docker } from '../helpers/run.js';
import { useDaemon, useDockerd } from '../helpers/use-daemon.js';

const skip = !isRoot() && 'needs root';
/** One engine under test, by name; its socket and environment follow its helper (set once its before() ran). */
const side = (name: string, engine: { socketPath: string; env: NodeJS.ProcessEnv }) => ({
  name,
  get socketPath() {
    return engine.socketPath;
  },
  get env() {
    return engine.env;
  },
});
// Docker's engine where it is installed; berthd alone where not.
const engines = [side('berthd', useDaemon(skip)), ...(hasDockerd() ? [side('dockerd', useDockerd(skip))] : [])];

const createUnnamed = (socketPath: string) =>
  apiRequest(socketPath, '/v1.41/containers/create', {
    method: 'POST',
    json: { Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } },
  });

async function names(env: NodeJS.ProcessEnv): Promise<string[]> {
  return (await docker(env, ['ps', '-a', '--format', '{{.Names}}'])).stdout.trim().split('\n').filter(Boolean);
}

// 150 at once: without reservations of names in flight, two drawing the same name is near certain.
test('150 concurrent unnamed creates all succeed with distinct names', { skip }, async () => {
  for (const engine of engines) {
    const results = await Promise.all(Array.from({ length: 150 }, () => createUnnamed(engine.socketPath)));
    assert.deepEqual(
      results.filter((r) => r.status !== 201),
      [],
      engine.name,
    );
    const listed = await names(engine.env);
    assert.equal(listed.length, 150, engine.name);
    assert.equal(new Set(listed).size, 150, engine.name);
  }
});

// 600 more, 20 at a time: with 750 stored, about one draw in five hits
// a taken name, so retries happen many times over (Docker's list is larger; the result must be the same).
test('750 unnamed containers: every create succeeds, every name is distinct', { skip }, async () => {
  for (const engine of engines) {
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < 600) {
          next++;
          const created = await createUnnamed(engine.socketPath);
          if (created.status !== 201) failures.push(created.body);
        }
      }),
    );
    assert.deepEqual(failures, [], engine.name);
    const listed = await names(engine.env);
    assert.equal(listed.length, 750, engine.name);
    assert.equal(new Set(listed).size, 750, engine.name);
  }
});
