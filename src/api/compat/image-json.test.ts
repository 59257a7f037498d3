// Image inspect and list shapes by API version: the fields Docker dropped (VirtualSize at 1.44, Container and
// ContainerConfig at 1.45) are there for older clients only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toImageInspect, toImageSummary } from './image-json.js';
import type { ImageView } from '../../engine/images/image-view.js';

const view = (extra: Partial<ImageView['config']> = {}): ImageView => ({
  record: {
    id: `sha256:${'b'.repeat(64)}`,
    manifest: `sha256:${'c'.repeat(64)}`,
    layers: [],
    size: 1234,
    created: '2026-01-02T03:04:05Z',
    loaded: '2026-01-02T03:04:05Z',
    lastTagTime: '',
  },
  config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, ...extra },
  names: ['docker.io/library/app:latest'],
});

test('a committed image shows its container and that container config below API 1.45 only', () => {
  const committed = view({
    container: 'f'.repeat(64),
    container_config: { Hostname: 'ffffffffffff', Image: 'busybox' },
  });
  for (const version of ['1.24', '1.41', '1.44']) {
    const inspect = toImageInspect(committed, 'overlay2', version);
    assert.equal(inspect.Container, 'f'.repeat(64), version);
    assert.deepEqual(inspect.ContainerConfig, { Hostname: 'ffffffffffff', Image: 'busybox' }, version);
  }
  for (const version of ['1.45', '1.47']) {
    const inspect = toImageInspect(committed, 'overlay2', version);
    assert.equal('Container' in inspect, false, version);
    assert.equal('ContainerConfig' in inspect, false, version);
  }
});

test("any other image has an empty Container and Docker's zero config below 1.45", () => {
  const inspect = toImageInspect(view(), 'overlay2', '1.41');
  assert.equal(inspect.Container, '');
  assert.equal(inspect.ContainerConfig?.Image, '');
  assert.equal(inspect.ContainerConfig?.Cmd, null);
  assert.equal(inspect.ContainerConfig?.Labels, null);
});

test('VirtualSize (= Size) in inspect and the list below API 1.44 only', () => {
  assert.equal(toImageInspect(view(), 'overlay2', '1.43').VirtualSize, 1234);
  assert.equal('VirtualSize' in toImageInspect(view(), 'overlay2', '1.44'), false);
  assert.equal(toImageSummary(view(), '1.43').VirtualSize, 1234);
  assert.equal('VirtualSize' in toImageSummary(view(), '1.44'), false);
});
