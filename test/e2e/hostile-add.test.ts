// ADD of the whole hostile-tree corpus (test/fixtures/hostile-tars.ts), each archive aimed at a host directory,
// unpacked at / and into a directory, against berthd and Docker's own engine: on both the host directory must
// come out untouched; on berth, archives the extractor refuses fail the build. The first case is the escape
// the one extractor closed: `x -> /host/dir` then a directory entry `x/` made the host directory 0777.
import { test } from 'node:test';
import { addBuild, skip, throughEveryEngine, useEngines } from '../helpers/hostile-engines.js';

useEngines();

test('ADD of hostile tar archives, at / and into a directory', { skip }, async () => {
  await throughEveryEngine('ADD', async (env, c) => addBuild(env, c, 'tar'));
});
