// RUN --mount=type=bind,rw when the kernel refuses the overlay view of a directory (builder/writable-bind.ts): the
// snapshotter is overlay, but the build contexts live on a filesystem overlay cannot stack on, so the view is a copy
// (cp -a) of the bound source instead. The refusal is real: berthd's builder/contexts is bind-mounted from an overlay
// of an overlay (stacking depth 2), and an overlay with a lower dir there would be depth 3, which Linux refuses
// ("maximum fs stacking depth exceeded"). The classic builder and buildx both bind the context writable; the RUN sees
// its write, the later COPY and read-only bind the original, the context on disk is unchanged, and berthd logged the
// refusal. berthd only: Docker's engine has no such fallback to steer (its scenario is in buildkit-rw-bind.test.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { skipClients } from '../helpers/engines.js';
import { buildxConfig, type BuildxConfig } from '../helpers/buildx.js';
import { useDaemon } from '../helpers/use-daemon.js';
import { docker, run } from '../helpers/run.js';
import {
  CONTEXT_ORIGINAL,
  contextRepro,
  mountedUnder,
  readRwBindContext,
  writeRwBindContext,
} from '../fixtures/rw-bind.js';

const skip = skipClients();

let buildx: BuildxConfig | undefined;
let dir: string | undefined;
/** Mount points this file made, innermost last. */
const mounted: string[] = [];

async function mount(args: string[], target: string): Promise<void> {
  const r = await run('mount', [...args, target]);
  assert.equal(r.code, 0, r.stderr);
  mounted.push(target);
}

const daemon = useDaemon(skip, {
  async setUp(d) {
    const info = await docker(d.env, ['info', '--format', '{{.Driver}}']);
    assert.equal(info.stdout.trim(), 'overlay2', 'this scenario needs the overlay snapshotter');
    buildx = buildxConfig();
    const tmp = (dir = mkdtempSync(join(tmpdir(), 'berth-rw-fallback-')));
    for (const sub of ['l1', 'u1', 'w1', 'm1', 'u2', 'w2', 'm2']) mkdirSync(join(tmp, sub));
    writeRwBindContext(join(tmp, 'ctx'));
    // An overlay (depth 1), an overlay on it (depth 2), put where berthd writes every build's context (start-up
    // repair, which would unmount it, is over).
    const o = (lower: string, n: number) => [
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${join(tmp, lower)},upperdir=${join(tmp, `u${n}`)},workdir=${join(tmp, `w${n}`)}`,
    ];
    await mount(o('l1', 1), join(tmp, 'm1'));
    await mount(o('m1', 2), join(tmp, 'm2'));
    const contexts = join(d.dataRoot, 'builder', 'contexts');
    mkdirSync(contexts, { recursive: true });
    await mount(['--bind', join(tmp, 'm2')], contexts);
  },
  // Before the daemon's roots go: the contexts bind is under them.
  async tearDown() {
    for (const m of mounted.reverse()) await run('umount', ['-l', m]);
    buildx?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
});

const REFUSED = '"msg":"writable bind: overlay refused, copying the source instead"';

describe('RUN --mount=type=bind,rw when overlay refuses the view of the context', { skip }, () => {
  for (const kind of ['classic', 'buildkit'] as const) {
    test(`${kind}: the view is a copy; the RUN sees its write, the COPY and a later bind the original`, async () => {
      const d = daemon;
      const tmp = dir as string;
      const nonce = randomBytes(4).toString('hex');
      const repro = contextRepro(nonce);
      const file = join(tmp, `${kind}.Dockerfile`);
      writeFileSync(file, repro.dockerfile);
      const tag = `rw-fallback-${kind}:${nonce}`;
      const env = kind === 'buildkit' ? (buildx as BuildxConfig).env(d.env) : { ...d.env, DOCKER_BUILDKIT: '0' };
      const progress = kind === 'buildkit' ? ['--progress=plain'] : [];
      const from = d.logs().length;
      const r = await docker(env, ['build', ...progress, '-f', file, '-t', tag, join(tmp, 'ctx')], {
        timeoutMs: 180_000,
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const ran = await docker(d.env, ['run', '--rm', '--network', 'none', tag, 'cat', ...repro.paths]);
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal(ran.stdout, repro.expected.map((l) => `${l}\n`).join(''));
      assert.equal(readRwBindContext(join(tmp, 'ctx')), CONTEXT_ORIGINAL);
      // The overlay was asked for and refused by the kernel: the copy path ran, once, for this build's RUN.
      const refusals = d
        .logs()
        .slice(from)
        .split('\n')
        .filter((l) => l.includes(REFUSED));
      assert.equal(refusals.length, 1, d.logs().slice(from));
      // Nothing of the view is left mounted under the builder (the contexts bind itself is this test's).
      const builder = join(d.dataRoot, 'builder');
      assert.deepEqual(mountedUnder(builder, '/proc/self/mountinfo', [join(builder, 'contexts')]), []);
    });
  }
});
