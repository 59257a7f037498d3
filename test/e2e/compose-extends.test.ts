// `berth compose` against Docker's engine and berthd side by side: `extends` from the same file and from another one.
import assert from 'node:assert/strict';
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
