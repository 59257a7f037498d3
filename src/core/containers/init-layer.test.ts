import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getsInitLayer, NO_INIT_LAYER_LABEL, withInitLayer } from './init-layer.js';
import type { Mount } from '../snapshots/snapshotter.js';

const overlay = (options: string[]): Mount[] => [{ type: 'overlay', source: 'overlay', options }];

test("the init layer is stacked as the top lower layer of a container's overlay, nowhere else", () => {
  assert.deepEqual(withInitLayer(overlay(['index=off', 'lowerdir=/l1:/l2', 'upperdir=/u', 'workdir=/w']), '/init'), [
    {
      type: 'overlay',
      source: 'overlay',
      options: ['index=off', 'lowerdir=/init:/l1:/l2', 'upperdir=/u', 'workdir=/w'],
    },
  ]);
  // A committed (read-only) overlay, a bind (native snapshotter, an image without layers): as they are.
  const readOnly = overlay(['lowerdir=/top:/l1']);
  assert.equal(withInitLayer(readOnly, '/init'), readOnly);
  const bind: Mount[] = [{ type: 'bind', source: '/fs', options: ['rw', 'rbind'] }];
  assert.equal(withInitLayer(bind, '/init'), bind);
});

test("Docker API containers get it; a pod's and a BuildKit step's do not", () => {
  assert.equal(getsInitLayer(undefined), true);
  assert.equal(getsInitLayer({ 'berth.build.intermediate': 'x', app: 'y' }), true);
  assert.equal(getsInitLayer({ 'io.berth.cri.sandbox-id': 'x' }), false);
  assert.equal(getsInitLayer({ [NO_INIT_LAYER_LABEL]: 'none' }), false);
});
