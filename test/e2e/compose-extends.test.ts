// `berth compose` against Docker's engine and berthd side by side: `extends` from the same file and from another one;
// `include`.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useComposeEngines } from './compose-harness.js';

const scenario = useComposeEngines();

scenario('extends: a service of this file, and one of another file with its relative paths', async (s) => {
  await s.ok('extends', ['up', '-d']);
  const env = async (c: string): Promise<string[]> => (await s.exec(c, ['env'])).stdout.split('\n');
  const child = await env('extends-child-1');
  assert.ok(child.includes('LEVEL=child') && child.includes('OWN=yes'), child.join('\n'));
  const remote = await env('extends-remote-1');
  assert.ok(remote.includes('FROM_SHARED_FILE=shared') && remote.includes('LOCAL=here'), remote.join('\n'));
  assert.equal(await s.inspect('extends-remote-1', '{{index .Config.Labels "berth.test/from"}}'), 'common');
  assert.equal(await s.inspect('extends-child-1', '{{json .Config.Cmd}}'), '["sleep","3600"]');
  await s.downClean('extends', 'extends');
});

scenario('include: short and long syntax, each part with its own directory and variables', async (s) => {
  await s.ok('include', ['up', '-d']);
  const services = (await s.ok('include', ['ps', '--services'])).stdout.split('\n').filter(Boolean).sort();
  assert.deepEqual(services, ['cache', 'db', 'web']);
  // web reaches the included db (its bind mount resolved in db/) and cache (its env_file in cache/conf/) by name.
  const db = await s.exec('include-web-1', ['wget', '-qO-', 'http://db:5432/']);
  assert.equal(db.stdout, 'rows from the included db\n', db.stderr);
  const cache = await s.exec('include-web-1', ['wget', '-qO-', 'http://cache:6379/']);
  assert.equal(cache.stdout, 'cache from vars/cache.env mode-from-conf\n', cache.stderr);
  const dbEnv = (await s.exec('include-db-1', ['env'])).stdout.split('\n');
  assert.ok(dbEnv.includes('DB_NAME=from-db-dotenv'), dbEnv.join('\n'));
  await s.downClean('include', 'include');
});

scenario('include: a service both files define differently is refused, nothing created', async (s) => {
  const dir = join(s.corpus, 'include-conflict');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'compose.yaml'),
    'include: [../include/db/compose.yaml]\nservices:\n  db: {image: busybox}\n',
  );
  const r = await s.compose('include-conflict', ['up', '-d']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /services\.db conflicts with imported resource/);
  assert.deepEqual(await s.leftovers('include-conflict'), []);
});
