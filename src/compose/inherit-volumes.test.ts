import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inheritAnonymousVolumes } from './inherit-volumes.js';
import type { ContainerPlan } from './container-spec.js';

const OLD_CACHE = 'a'.repeat(64);
const OLD_GONE = 'b'.repeat(64);

const plan = (): ContainerPlan => ({
  name: 'p-app-1',
  body: {
    Image: 'busybox',
    Volumes: { '/cache': {}, '/new': {} },
    HostConfig: { Mounts: [{ Type: 'volume', Source: 'p_data', Target: '/data' }] },
  },
  connect: [],
  files: [],
});

test('an old anonymous volume at a target still anonymous is mounted by name; the others are not handed on', () => {
  const old = new Map([
    ['/cache', OLD_CACHE],
    ['/gone', OLD_GONE],
  ]);
  const { plan: next, reused } = inheritAnonymousVolumes(plan(), old);
  assert.deepEqual([...reused], [OLD_CACHE]);
  assert.deepEqual(next.body.Volumes, { '/new': {} });
  assert.deepEqual(next.body.HostConfig?.Mounts, [
    { Type: 'volume', Source: 'p_data', Target: '/data' },
    { Type: 'volume', Source: OLD_CACHE, Target: '/cache' },
  ]);
});

test('nothing to hand on: the plan unchanged', () => {
  const p = plan();
  const { plan: next, reused } = inheritAnonymousVolumes(p, new Map([['/data', OLD_CACHE]]));
  assert.equal(next, p);
  assert.equal(reused.size, 0);
});
