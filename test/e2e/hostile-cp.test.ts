// The hostile-tree corpus (test/fixtures/hostile-tars.ts), each archive aimed at a host directory, through
// `docker cp -` into a container, against berthd and Docker's own engine: on both the host directory must
// come out untouched; on berth, archives the extractor refuses fail the copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docker } from '../helpers/run.js';
import { skip, throughEveryEngine, useEngines } from '../helpers/hostile-engines.js';

useEngines();

test('docker cp - of hostile tars into a container', { skip }, async () => {
  await throughEveryEngine(
    'cp',
    async (env, c, i) => {
      const name = `cp-target-${i}`;
      assert.equal((await docker(env, ['create', '--name', name, 'busybox', 'true'])).code, 0);
      try {
        return await docker(env, ['cp', '-', `${name}:/`], { input: c.tar });
      } finally {
        await docker(env, ['rm', '-f', name]);
      }
      // cp refuses to replace a directory with a non-directory or the reverse (as Docker's does): not a failure here.
    },
    { confinedSucceeds: false },
  );
});
