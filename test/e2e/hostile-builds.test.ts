// The builder against trees aimed at a host directory: ADD of compressed hostile archives (gzip, bzip2, xz,
// as ADD unpacks them; the plain corpus: hostile-add.test.ts), and a Dockerfile whose RUN plants
// symlinks to the host that later COPY, ADD and WORKDIR steps write through. Against berthd and Docker's own
// engine; on both the host directory must come out untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docker } from '../helpers/run.js';
import { tarOfFiles, assertVictimUntouched, type HostileTree } from '../fixtures/hostile-tars.js';
import {
  addBuild,
  engines,
  skip,
  theCorpus,
  throughEveryEngine,
  useEngines,
  victimDir,
} from '../helpers/hostile-engines.js';

useEngines();

test(
  'RUN plants symlinks to the host; later COPY, ADD and WORKDIR write through them inside the image',
  { skip },
  async () => {
    const v = victimDir();
    const dockerfile = [
      'FROM busybox',
      `RUN ln -s ${v} /planted && ln -s / /rootlink && ln -s ${v}/secret /plantedfile && mkdir /d && ln -s ${v} /d/x && ln -s ${v}/sub /plantedsub`,
      'COPY file.txt /planted/',
      `COPY file.txt /rootlink${v}/sub/`,
      'COPY file.txt /plantedfile',
      'COPY dir/ /plantedsub/',
      'ADD evil.tar /planted/',
      'ADD evil.tar /d/',
      'WORKDIR /plantedsub/wd',
      'RUN pwd && test -f /plantedfile',
      `RUN test -f /rootlink${v}/sub/file.txt && test -f ${v}/file.txt && test -d ${v}/x`,
    ].join('\n');
    const evil = theCorpus()[0] as HostileTree;
    const context = await tarOfFiles({
      Dockerfile: `${dockerfile}\n`,
      'file.txt': 'pwned\n',
      'dir/inner.txt': 'pwned\n',
      'evil.tar': evil.tar,
    });
    await Promise.all(
      engines().map(async (engine) => {
        const res = await docker(engine.env, ['build', '-t', 'planted', '-'], { input: context, timeoutMs: 180_000 });
        assertVictimUntouched(v, `planted symlinks on ${engine.name}`);
        assert.equal(res.code, 0, `${engine.name}: ${res.stdout}${res.stderr}`);
      }),
    );
  },
);

for (const kind of ['gzip', 'bzip2', 'xz'] as const) {
  test(`ADD of a hostile ${kind} archive, at / and into a directory`, { skip }, async () => {
    // The symlinked-directory cases (the decompressor is the difference; the full corpus: hostile-add.test.ts).
    await throughEveryEngine(`ADD ${kind}`, async (env, c) => addBuild(env, c, kind), {
      cases: theCorpus().slice(0, 2),
    });
  });
}
