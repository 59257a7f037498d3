// `berth compose` against Docker's engine and berthd side by side (each scenario runs on both at once): images built
// from `build:` through /build, pushed to and pulled from a loopback registry.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useComposeEngines } from './compose-harness.js';
import { startInProcessRegistry, type TestRegistry } from '../helpers/registry.js';

const scenario = useComposeEngines();
let registry: TestRegistry;
before(async () => {
  registry = await startInProcessRegistry();
});
after(() => registry?.close());

scenario(
  'build: context, dockerfile, args, target; up --build recreates on a changed image; down --rmi local',
  async (s) => {
    const up = await s.ok('build', ['up', '-d']);
    assert.match(up.stderr, /Service app {2}Built/);
    const logs = async (): Promise<string> =>
      (await s.ok('build', ['logs', '--no-color', '--no-log-prefix', 'app'])).stdout;
    // The container's output may lag its start: wait for the three lines.
    let out = '';
    for (let i = 0; i < 100 && !/1\n$/.test(out); i++) {
      out = await logs();
      if (!/1\n$/.test(out)) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(out, 'hello from a build arg\nfinal\n1\n');
    assert.equal(await s.inspect('build-app-1', '{{.Config.Image}}'), 'build-app');
    assert.equal((await s.exec('build-tool-1', ['cat', '/stage'])).stdout, 'tool\n');
    const imageId = await s.inspect('build-app-1', '{{.Image}}');
    assert.equal(await s.inspect('build-app-1', '{{index .Config.Labels "com.docker.compose.image"}}'), imageId);
    const appId = await s.inspect('build-app-1', '{{.Id}}');
    // Unchanged: a second up neither builds nor recreates.
    const again = await s.ok('build', ['up', '-d']);
    assert.doesNotMatch(again.stderr, /Build|Creat|Recreat/);
    assert.equal(await s.inspect('build-app-1', '{{.Id}}'), appId);
    // A changed context and --build: a new image, the container recreated from it.
    writeFileSync(join(s.corpus, 'build/app/version'), '2\n');
    const rebuilt = await s.ok('build', ['up', '-d', '--build', 'app']);
    assert.match(rebuilt.stderr, /Recreated/);
    assert.notEqual(await s.inspect('build-app-1', '{{.Image}}'), imageId);
    assert.equal((await s.exec('build-app-1', ['cat', '/version'])).stdout, '2\n');
    assert.equal((await s.ok('build', ['build', 'tool'])).code, 0);
    await s.ok('build', ['down', '--rmi', 'local']);
    assert.deepEqual(await s.leftovers('build'), []);
    assert.notEqual((await s.compose('build', ['images'])).code, null);
    const images = (await s.dockerOk(['images', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n');
    assert.ok(!images.includes('build-app:latest'), 'build-app removed (local: built, not named)');
    assert.ok(images.includes('berth-compose-test/tool:1'), 'a named image is kept by --rmi local');
    await s.dockerOk(['rmi', 'berth-compose-test/tool:1']);
  },
);

scenario('push to and pull from a loopback registry', async (s) => {
  const env = { REGISTRY: registry.addr, REPO: `pushed-${s.name}` };
  await s.ok('registry', ['build'], env);
  await s.ok('registry', ['push'], env);
  await s.dockerOk(['rmi', `${registry.addr}/pushed-${s.name}:1`]);
  await s.ok('registry', ['pull'], env);
  assert.equal((await s.ok('registry', ['run', '--rm', 'puller'], env)).stdout, 'made here\n');
  await s.ok('registry', ['down', '--rmi', 'all'], env);
  assert.deepEqual(await s.leftovers('registry'), []);
});
