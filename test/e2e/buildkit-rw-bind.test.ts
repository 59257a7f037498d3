// RUN --mount=type=bind,rw (#15): the RUN sees its own writes into the bound tree, and they are thrown away after
// it: the build context, a stage's tree, an image's tree and a named context stay as they were, so a later COPY or
// bind in the same build reads the original. Through buildx against Docker's engine 20.10 and berthd side by side
// (named contexts on berthd only: Docker 20.10's BuildKit refuses the capability); through the classic builder on
// berthd (Docker's classic builder refuses `--mount`: asserted); and on a berthd with the native (copying)
// snapshotter, where a view of a directory is a copy instead of an overlay.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ENGINES, skipClients, useEngines } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { testImages } from '../helpers/images.js';
import { docker } from '../helpers/run.js';

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
  mkdirSync(ctx());
  mkdirSync(extra());
  writeFileSync(join(ctx(), 'a.txt'), 'original\n');
  writeFileSync(join(extra(), 'x.txt'), 'original extra\n');
});

after(() => {
  buildx?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The repro, the RUN keeping what it saw; then a read-only bind of the context in the same build. */
const CONTEXT_DOCKERFILE = (nonce: string) =>
  [
    'FROM busybox',
    `RUN --mount=type=bind,rw,target=/ctx echo changed-${nonce} > /ctx/a.txt && cat /ctx/a.txt > /seen.txt`,
    'COPY a.txt /a.txt',
    'RUN --mount=type=bind,target=/ro cat /ro/a.txt > /after.txt',
    '',
  ].join('\n');

/** Writable binds of a stage and of an image; the stage copied and the image bound again afterwards. */
const STAGE_IMAGE_DOCKERFILE = (nonce: string) =>
  [
    'FROM busybox AS base',
    'RUN echo original-stage > /s.txt',
    'FROM busybox',
    `RUN --mount=type=bind,from=base,rw,target=/s echo changed-${nonce} > /s/s.txt && cat /s/s.txt > /seen-stage.txt`,
    `RUN --mount=type=bind,from=busybox,rw,target=/i echo written-${nonce} > /i/marker.txt && cat /i/marker.txt > /seen-image.txt`,
    'COPY --from=base /s.txt /stage.txt',
    'RUN --mount=type=bind,from=busybox,target=/i (test -e /i/marker.txt && echo present || echo absent) > /image-after.txt',
    '',
  ].join('\n');

/** What the image at `tag` holds at each path. */
async function files(env: NodeJS.ProcessEnv, tag: string, paths: string[]): Promise<string[]> {
  const r = await docker(env, ['run', '--rm', '--network', 'none', tag, 'cat', ...paths]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').slice(0, -1);
}

/** No writable bind's view is left mounted under a berthd's builder once its builds are over. */
function assertNoViewMounted(dataRoot: string): void {
  const under = `${join(dataRoot, 'builder')}/`;
  const left = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p.startsWith(under));
  assert.deepEqual(left, []);
}

function buildWith(env: NodeJS.ProcessEnv, kind: 'buildkit' | 'classic') {
  return (dockerfile: string, tag: string, args: string[] = []) => {
    const file = join(dir, `${tag.replace(/\W/g, '-')}.Dockerfile`);
    writeFileSync(file, dockerfile);
    const buildEnv = kind === 'buildkit' ? buildx.env(env) : { ...env, DOCKER_BUILDKIT: '0' };
    const progress = kind === 'buildkit' ? ['--progress=plain'] : [];
    return docker(buildEnv, ['build', ...progress, ...args, '-f', file, '-t', tag, ctx()], { timeoutMs: 180_000 });
  };
}

for (const name of ENGINES) {
  describe(`RUN --mount=type=bind,rw with buildx against ${name}`, { skip }, () => {
    const build = (dockerfile: string, tag: string, args: string[] = []) =>
      buildWith(engine(name).env, 'buildkit')(dockerfile, tag, args);

    test('the RUN sees its writes into the context; a later COPY and bind read the original', async () => {
      const nonce = randomBytes(4).toString('hex');
      const r = await build(CONTEXT_DOCKERFILE(nonce), `rw-ctx:${nonce}`);
      assert.equal(r.code, 0, r.stderr);
      const got = await files(engine(name).env, `rw-ctx:${nonce}`, ['/seen.txt', '/a.txt', '/after.txt']);
      assert.deepEqual(got, [`changed-${nonce}`, 'original', 'original']);
      assert.equal(readFileSync(join(ctx(), 'a.txt'), 'utf8'), 'original\n');
      if (name === 'berthd') assertNoViewMounted(join(dirname(engine(name).socketPath), 'root'));
    });

    test("the RUN sees its writes into a stage's and an image's tree; the stage and the image stay", async () => {
      const nonce = randomBytes(4).toString('hex');
      const r = await build(STAGE_IMAGE_DOCKERFILE(nonce), `rw-stage:${nonce}`);
      assert.equal(r.code, 0, r.stderr);
      const got = await files(engine(name).env, `rw-stage:${nonce}`, [
        '/seen-stage.txt',
        '/stage.txt',
        '/seen-image.txt',
        '/image-after.txt',
      ]);
      assert.deepEqual(got, [`changed-${nonce}`, 'original-stage', `written-${nonce}`, 'absent']);
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
      const r = await buildWith(engine(name).env, 'classic')(CONTEXT_DOCKERFILE(nonce), `rw-classic:${nonce}`);
      if (name === 'dockerd') {
        // Docker's classic builder has no RUN --mount: it needs BuildKit.
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /the --mount option requires BuildKit/);
        return;
      }
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const got = await files(engine(name).env, `rw-classic:${nonce}`, ['/seen.txt', '/a.txt', '/after.txt']);
      assert.deepEqual(got, [`changed-${nonce}`, 'original', 'original']);

      const s = await buildWith(engine(name).env, 'classic')(STAGE_IMAGE_DOCKERFILE(nonce), `rw-classic-s:${nonce}`);
      assert.equal(s.code, 0, s.stdout + s.stderr);
      const stage = await files(engine(name).env, `rw-classic-s:${nonce}`, [
        '/seen-stage.txt',
        '/stage.txt',
        '/seen-image.txt',
        '/image-after.txt',
      ]);
      assert.deepEqual(stage, [`changed-${nonce}`, 'original-stage', `written-${nonce}`, 'absent']);
      assertNoViewMounted(join(dirname(engine(name).socketPath), 'root'));
    });
  });
}

// The copying fallback: no overlay view, a copy of the bound source (and native's own copy for a stage or image).
describe('RUN --mount=type=bind,rw on a berthd with the native snapshotter', { skip }, () => {
  let native: TestDaemon | undefined;
  before(async () => {
    native = await startDaemon({ extraArgs: ['--storage-driver', 'native'] });
    const { busybox } = await testImages();
    const r = await docker(native.env, ['load', '-i', busybox]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await native?.cleanup();
  });

  for (const kind of ['classic', 'buildkit'] as const) {
    test(`${kind}: the context, a stage and an image stay as they were`, async () => {
      const env = (native as TestDaemon).env;
      const info = await docker(env, ['info', '--format', '{{.Driver}}']);
      assert.equal(info.stdout.trim(), 'native');
      const nonce = randomBytes(4).toString('hex');
      const c = await buildWith(env, kind)(CONTEXT_DOCKERFILE(nonce), `rw-native-${kind}:${nonce}`);
      assert.equal(c.code, 0, c.stdout + c.stderr);
      assert.deepEqual(await files(env, `rw-native-${kind}:${nonce}`, ['/seen.txt', '/a.txt', '/after.txt']), [
        `changed-${nonce}`,
        'original',
        'original',
      ]);
      const s = await buildWith(env, kind)(STAGE_IMAGE_DOCKERFILE(nonce), `rw-native-${kind}-s:${nonce}`);
      assert.equal(s.code, 0, s.stdout + s.stderr);
      assert.deepEqual(
        await files(env, `rw-native-${kind}-s:${nonce}`, [
          '/seen-stage.txt',
          '/stage.txt',
          '/seen-image.txt',
          '/image-after.txt',
        ]),
        [`changed-${nonce}`, 'original-stage', `written-${nonce}`, 'absent'],
      );
      assertNoViewMounted((native as TestDaemon).dataRoot);
    });
  }
});
