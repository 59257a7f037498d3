// The hostile-tree corpus (test/fixtures/hostile-tars.ts), each archive aimed at a host directory, through
// the entry points that take a tar from a user outside the builder: `docker import` and the build context
// (`docker load`: hostile-load.test.ts; `docker cp -` into a container: hostile-cp.test.ts). The same body runs against berthd and against Docker's own
// engine; on both the host directory must come out untouched. On berth, archives its extractor refuses must
// fail the command. (ADD and the builder's own cases: hostile-builds.test.ts.)
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { docker } from '../helpers/run.js';
import { dockerWith, importTree, skip, slug, throughEveryEngine, useEngines } from '../helpers/hostile-engines.js';

useEngines();

test('docker import of hostile rootfs tars', { skip }, async () => {
  await throughEveryEngine('import', async (env, c) => importTree(dockerWith(env), c));
});

test('a hostile build context, copied into the image', { skip }, async () => {
  await throughEveryEngine('build context', async (env, c, i) => {
    const context = await c.withFiles({ Dockerfile: 'FROM busybox\nCOPY . /ctx/\n' });
    return docker(env, ['build', '-q', '-t', `ctx/${slug(c.name)}`, '-'], {
      input: i % 2 ? gzipSync(context) : context,
      timeoutMs: 120_000,
    });
  });
});
