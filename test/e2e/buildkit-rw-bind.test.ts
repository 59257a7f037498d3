// RUN --mount=type=bind,rw (#15): the RUN sees its own writes into the bound tree, and they are thrown away after
// it: the build context, a stage's tree, an image's tree and a named context stay as they were, so a later COPY or
// bind in the same build reads the original. Through buildx against Docker's engine 20.10 and berthd side by side
// (named contexts on berthd only: Docker 20.10's BuildKit refuses the capability); through the classic builder on
// berthd (Docker's classic builder refuses `--mount`: asserted); and on a berthd with the native (copying)
// snapshotter, where a view of a directory is a copy instead of an overlay.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { docker, type RunResult } from '../helpers/run.js';
import {
  CONTEXT_ORIGINAL,
  contextRepro,
  mountedUnder,
  readRwBindContext,
  stageImageRepro,
  writeRwBindContext,
  type RwBindRepro,
} from '../fixtures/rw-bind.js';

const skip = skipClients();
const engine = useEngines(skip);

let buildx: BuildxConfig;
let dir: string;
const ctx = () => join(dir, 'ctx');
const extra = () => join(dir, 'extra');

before(() => {
  if (skip) return;
  buildx = buildxConfig();
  dir = mkdtempSync(join(tmpdir(), 'berth-rw-bind-'));
  writeRwBindContext(ctx());
  mkdirSync(extra());
  writeFileSync(join(extra(), 'x.txt'), 'original extra\n');
});

after(() => {
  buildx?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What the image at `tag` holds at each path. */
async function files(env: NodeJS.ProcessEnv, tag: string, paths: string[]): Promise<string[]> {
  const r = await docker(env, ['run', '--rm', '--network', 'none', tag, 'cat', ...paths]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').slice(0, -1);
}

/** No writable bind's view is left mounted under a berthd's builder once its builds are over. */
const assertNoViewMounted = (dataRoot: string): void => assert.deepEqual(mountedUnder(join(dataRoot, 'builder')), []);

type Build = (dockerfile: string, tag: string, args?: string[]) => Promise<RunResult>;

function buildWith(env: NodeJS.ProcessEnv, kind: 'buildkit' | 'classic'): Build {
  return (dockerfile, tag, args = []) => {
    const file = join(dir, `${tag.replace(/\W/g, '-')}.Dockerfile`);
    writeFileSync(file, dockerfile);
    const buildEnv = kind === 'buildkit' ? buildx.env(env) : { ...env, DOCKER_BUILDKIT: '0' };
    const progress = kind === 'buildkit' ? ['--progress=plain'] : [];
    return docker(buildEnv, ['build', ...progress, ...args, '-f', file, '-t', tag, ctx()], { timeoutMs: 180_000 });
  };
}

/** Builds `repro` as `tag`: the image holds what it must, and the context on disk is as it was. */
async function assertRepro(env: NodeJS.ProcessEnv, build: Build, repro: RwBindRepro, tag: string): Promise<void> {
  const r = await build(repro.dockerfile, tag);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(await files(env, tag, repro.paths), repro.expected);
  assert.equal(readRwBindContext(ctx()), CONTEXT_ORIGINAL);
}

for (const name of ENGINES) {
  describe(`RUN --mount=type=bind,rw with buildx against ${name}`, { skip }, () => {
    const build: Build = (dockerfile, tag, args = []) => buildWith(engine(name).env, 'buildkit')(dockerfile, tag, args);

    test('the RUN sees its writes into the context; a later COPY and bind read the original', async () => {
      const nonce = randomBytes(4).toString('hex');
      await assertRepro(engine(name).env, build, contextRepro(nonce), `rw-ctx:${nonce}`);
      if (name === 'berthd') assertNoViewMounted(join(dirname(engine(name).socketPath), 'root'));
    });

    test("the RUN sees its writes into a stage's and an image's tree; the stage and the image stay", async () => {
      const nonce = randomBytes(4).toString('hex');
      await assertRepro(engine(name).env, build, stageImageRepro(nonce), `rw-stage:${nonce}`);
      if (name === 'berthd') assertNoViewMounted(join(dirname(engine(name).socketPath), 'root'));
    });

    test('a writable bind of a named context: the RUN sees its writes, a later COPY --from the original', async () => {
      const nonce = randomBytes(4).toString('hex');
      const dockerfile = [
        'FROM busybox',
        `RUN --mount=type=bind,from=extra,rw,target=/e echo changed-${nonce} > /e/x.txt && cat /e/x.txt > /seen.txt`,
        'COPY --from=extra x.txt /x.txt',
        '',
      ].join('\n');
      const r = await build(dockerfile, `rw-named:${nonce}`, ['--build-context', `extra=${extra()}`]);
      if (name === 'dockerd') {
        // Docker 20.10's BuildKit (v0.8) has no named contexts.
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /unsupported frontend capability moby\.buildkit\.frontend\.contexts/);
        return;
      }
      assert.equal(r.code, 0, r.stderr);
      const got = await files(engine(name).env, `rw-named:${nonce}`, ['/seen.txt', '/x.txt']);
      assert.deepEqual(got, [`changed-${nonce}`, 'original extra']);
    });
  });

  describe(`RUN --mount=type=bind,rw with the classic builder against ${name}`, { skip }, () => {
    test('the context and a stage stay as they were (dockerd: --mount refused)', async () => {
      const nonce = randomBytes(4).toString('hex');
      const classic = buildWith(engine(name).env, 'classic');
      if (name === 'dockerd') {
        // Docker's classic builder has no RUN --mount: it needs BuildKit.
        const r = await classic(contextRepro(nonce).dockerfile, `rw-classic:${nonce}`);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /the --mount option requires BuildKit/);
        return;
      }
      await assertRepro(engine(name).env, classic, contextRepro(nonce), `rw-classic:${nonce}`);
      await assertRepro(engine(name).env, classic, stageImageRepro(nonce), `rw-classic-s:${nonce}`);
      assertNoViewMounted(join(dirname(engine(name).socketPath), 'root'));
    });
  });
}

// The copying fallback: no overlay view, a copy of the bound source (and native's own copy for a stage or image).
describe('RUN --mount=type=bind,rw on a berthd with the native snapshotter', { skip }, () => {
  const native = useDaemon(skip, { start: () => ({ extraArgs: ['--storage-driver', 'native'] }) });

  for (const kind of ['classic', 'buildkit'] as const) {
    test(`${kind}: the context, a stage and an image stay as they were`, async () => {
      const info = await docker(native.env, ['info', '--format', '{{.Driver}}']);
      assert.equal(info.stdout.trim(), 'native');
      const nonce = randomBytes(4).toString('hex');
      await assertRepro(native.env, buildWith(native.env, kind), contextRepro(nonce), `rw-native-${kind}:${nonce}`);
      await assertRepro(
        native.env,
        buildWith(native.env, kind),
        stageImageRepro(nonce),
        `rw-native-${kind}-s:${nonce}`,
      );
      assertNoViewMounted(native.dataRoot);
    });
  }
});
