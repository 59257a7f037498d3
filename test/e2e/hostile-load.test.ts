// The hostile-tree corpus (test/fixtures/hostile-tars.ts), each archive aimed at a host directory, as the
// layer of an image given to `docker load`, against berthd and Docker's own engine: on both the host
// directory must come out untouched; on berth, layers the extractor refuses fail the load.
import { test } from 'node:test';
import { dockerWith, loadLayer, skip, throughEveryEngine, useEngines } from '../helpers/hostile-engines.js';

useEngines();

test('docker load of hostile layers', { skip }, async () => {
  await throughEveryEngine('load', async (env, c) => loadLayer(dockerWith(env), c));
});
