// The hostile-tree corpus (test/fixtures/hostile-tars.ts), each archive aimed at a host directory, through
// `docker cp -` into a container, against berthd and Docker's own engine: on both the host directory must
// come out untouched; on berth, archives the extractor refuses fail the copy.
import { test } from 'node:test';
import { cpInto, dockerWith, skip, throughEveryEngine, useEngines } from '../helpers/hostile-engines.js';

useEngines();

test('docker cp - of hostile tars into a container', { skip }, async () => {
  await throughEveryEngine(
    'cp',
    async (env, c, i) => cpInto(dockerWith(env), c, i),
    // cp refuses to replace a directory with a non-directory or the reverse (as Docker's does): not a failure here.
    { confinedSucceeds: false },
  );
});
