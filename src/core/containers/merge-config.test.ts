import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeContainerConfig, commandOf } from './merge-config.js';

const image = {
  Cmd: ['sh'],
  Env: ['PATH=/bin', 'A=image'],
  WorkingDir: '/srv',
  Labels: { a: 'image', b: 'image' },
  User: 'app',
  Entrypoint: null,
};

test('image config fills what the request leaves out', () => {
  const merged = mergeContainerConfig({ Env: ['A=user'], Labels: { b: 'user' } }, image);
  assert.deepEqual(merged.Cmd, ['sh']);
  assert.deepEqual(merged.Env, ['A=user', 'PATH=/bin']);
  assert.equal(merged.WorkingDir, '/srv');
  assert.equal(merged.User, 'app');
  assert.deepEqual(merged.Labels, { a: 'image', b: 'user' });
});

test('a request cmd replaces the image cmd; a request entrypoint drops the image cmd', () => {
  assert.deepEqual(mergeContainerConfig({ Cmd: ['echo', 'hi'] }, image).Cmd, ['echo', 'hi']);
  const withEntrypoint = mergeContainerConfig({ Entrypoint: ['/bin/env'] }, { ...image, Entrypoint: ['/init'] });
  assert.deepEqual(withEntrypoint.Entrypoint, ['/bin/env']);
  assert.equal(withEntrypoint.Cmd, null);
});

test('--entrypoint "" clears the image entrypoint', () => {
  const merged = mergeContainerConfig({ Entrypoint: [''], Cmd: ['ls'] }, { ...image, Entrypoint: ['/init'] });
  assert.equal(merged.Entrypoint, null);
  assert.deepEqual(commandOf(merged), { path: 'ls', args: [] });
});

test('no command at all is refused', () => {
  assert.throws(() => commandOf(mergeContainerConfig({}, { Env: [] })), /No command specified/);
});

test("an image's io.berth.cri.* labels (a pod's container committed) are not inherited: no pod by image", () => {
  const merged = mergeContainerConfig(
    { Labels: { own: 'x' } },
    { ...image, Labels: { a: 'image', 'io.berth.cri.kind': 'container', 'io.berth.cri.sandbox-id': 'p1' } },
  );
  assert.deepEqual(merged.Labels, { a: 'image', own: 'x' });
});
