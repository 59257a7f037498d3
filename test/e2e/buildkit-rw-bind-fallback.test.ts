// RUN --mount=type=bind,rw when the kernel refuses the overlay view of a directory (builder/writable-bind.ts): the
// snapshotter is overlay, but the build contexts live on a filesystem overlay cannot stack on, so the view is a copy
// (cp -a) of the bound source instead. The refusal is real: berthd's builder/contexts is bind-mounted from an overlay
// of an overlay (stacking depth 2), and an overlay with a lower dir there would be depth 3, which Linux refuses
// ("maximum fs stacking depth exceeded"). The classic builder and buildx both bind the context writable; the RUN sees
// its write, the later COPY and read-only bind the original, the context on disk is unchanged, and berthd logged the
// refusal. berthd only: Docker's engine has no such fallback to steer (its scenario is in buildkit-rw-bind.test.ts).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { skipClients } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { testImages } from '../helpers/images.js';
import { docker, run } from '../helpers/run.js';

const skip = skipClients();

let buildx: BuildxConfig;
let dir: string;
let daemon: TestDaemon | undefined;
/** Mount points this file made, innermost last. */
const mounted: string[] = [];

async function mount(args: string[], target: string): Promise<void> {
  const r = await run('mount', [...args, target]);
  assert.equal(r.code, 0, r.stderr);
  mounted.push(target);
}

before(async () => {
  if (skip) return;
  buildx = buildxConfig();
  dir = mkdtempSync(join(tmpdir(), 'berth-rw-fallback-'));
  for (const d of ['l1', 'u1', 'w1', 'm1', 'u2', 'w2', 'm2', 'ctx']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'ctx', 'a.txt'), 'original\n');
  daemon = await startDaemon();
  const info = await docker(daemon.env, ['info', '--format', '{{.Driver}}']);
  assert.equal(info.stdout.trim(), 'overlay2', 'this scenario needs the overlay snapshotter');
  const { busybox } = await testImages();
  const loaded = await docker(daemon.env, ['load', '-i', busybox]);
  assert.equal(loaded.code, 0, loaded.stderr);
  // An overlay (depth 1), an overlay on it (depth 2), put where berthd writes every build's context (start-up
  // repair, which would unmount it, is over).
  const o = (lower: string, n: number) => [
    '-t',
    'overlay',
    'overlay',
    '-o',
    `lowerdir=${join(dir, lower)},upperdir=${join(dir, `u${n}`)},workdir=${join(dir, `w${n}`)}`,
  ];
  await mount(o('l1', 1), join(dir, 'm1'));
  await mount(o('m1', 2), join(dir, 'm2'));
  const contexts = join(daemon.dataRoot, 'builder', 'contexts');
  mkdirSync(contexts, { recursive: true });
  await mount(['--bind', join(dir, 'm2')], contexts);
});

after(async () => {
  for (const m of mounted.reverse()) await run('umount', ['-l', m]);
  await daemon?.cleanup();
  buildx?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The classic-builder and buildx repro of #15's writable bind, with a read-only bind after it. */
const DOCKERFILE = (nonce: string) =>
  [
    'FROM busybox',
    `RUN --mount=type=bind,rw,target=/ctx echo changed-${nonce} > /ctx/a.txt && cat /ctx/a.txt > /seen.txt`,
    'COPY a.txt /a.txt',
    'RUN --mount=type=bind,target=/ro cat /ro/a.txt > /after.txt',
    '',
  ].join('\n');

const REFUSED = '"msg":"writable bind: overlay refused, copying the source instead"';

describe('RUN --mount=type=bind,rw when overlay refuses the view of the context', { skip }, () => {
  for (const kind of ['classic', 'buildkit'] as const) {
    test(`${kind}: the view is a copy; the RUN sees its write, the COPY and a later bind the original`, async () => {
      const d = daemon as TestDaemon;
      const nonce = randomBytes(4).toString('hex');
      const file = join(dir, `${kind}.Dockerfile`);
      writeFileSync(file, DOCKERFILE(nonce));
      const tag = `rw-fallback-${kind}:${nonce}`;
      const env = kind === 'buildkit' ? buildx.env(d.env) : { ...d.env, DOCKER_BUILDKIT: '0' };
      const progress = kind === 'buildkit' ? ['--progress=plain'] : [];
      const from = d.logs().length;
      const r = await docker(env, ['build', ...progress, '-f', file, '-t', tag, join(dir, 'ctx')], {
        timeoutMs: 180_000,
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const ran = await docker(d.env, [
        'run',
        '--rm',
        '--network',
        'none',
        tag,
        'cat',
        '/seen.txt',
        '/a.txt',
        '/after.txt',
      ]);
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal(ran.stdout, `changed-${nonce}\noriginal\noriginal\n`);
      assert.equal(readFileSync(join(dir, 'ctx', 'a.txt'), 'utf8'), 'original\n');
      // The overlay was asked for and refused by the kernel: the copy path ran, once, for this build's RUN.
      const refusals = d
        .logs()
        .slice(from)
        .split('\n')
        .filter((l) => l.includes(REFUSED));
      assert.equal(refusals.length, 1, d.logs().slice(from));
      // Nothing of the view is left mounted under the builder (the contexts bind itself is this test's).
      const under = `${join(d.dataRoot, 'builder')}/`;
      const left = readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[4] ?? '')
        .filter((p) => p.startsWith(under) && p !== join(d.dataRoot, 'builder', 'contexts'));
      assert.deepEqual(left, []);
    });
  }
});
