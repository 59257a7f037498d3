import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OverlaySnapshotter } from '../../src/drivers/snapshot-overlay/index.js';
import { silentLogger } from '../../src/lib/logger.js';
import { isRoot } from '../helpers/daemon.js';
import { snapshotterSuite } from './snapshotter-suite.js';

snapshotterSuite('overlay', (root) => new OverlaySnapshotter({ root }, silentLogger()), !isRoot() && 'needs root');

test(
  'overlay: a stack too deep for one mount is refused with FailedPrecondition, not cut off',
  { skip: !isRoot() && 'needs root' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snap-overlay-deep-'));
    try {
      const snaps = new OverlaySnapshotter({ root: join(dir, 'root') }, silentLogger());
      let parent: string | undefined;
      let depth = 0;
      for (; depth < 200; depth++) {
        const prepared = await snaps.prepare(`x${depth}`, parent).then(
          () => undefined,
          (err: { kind?: string }) => err,
        );
        if (prepared) {
          assert.equal(prepared.kind, 'FailedPrecondition');
          break;
        }
        await snaps.commit(`l${depth}`, `x${depth}`);
        parent = `l${depth}`;
      }
      assert.ok(depth >= 30 && depth < 200, `refused at ${depth} layers`);
      assert.equal(
        (await snaps.list()).some((s) => s.key === `x${depth}`),
        false,
        'the refused snapshot is rolled back',
      );
      await snaps.prepare('shallow', 'l2');
      assert.equal((await snaps.mounts('shallow'))[0]?.type, 'overlay');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'overlay: isSupported answers from a real mount; cleanup unmounts and drops a probe a crash left',
  { skip: !isRoot() && 'needs root' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snap-overlay-probe-'));
    const root = join(dir, 'root');
    try {
      assert.equal(await OverlaySnapshotter.isSupported(root), true);
      assert.deepEqual(readdirSync(root), []);
      const probe = join(root, '.overlay-check-crashed');
      for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(probe, d), { recursive: true });
      execFileSync('mount', [
        '-t',
        'overlay',
        'overlay',
        '-o',
        `lowerdir=${probe}/lower,upperdir=${probe}/upper,workdir=${probe}/work`,
        join(probe, 'merged'),
      ]);
      await new OverlaySnapshotter({ root }, silentLogger()).cleanup(new Set());
      assert.equal(existsSync(probe), false);
      assert.doesNotMatch(readFileSync('/proc/self/mountinfo', 'utf8'), /overlay-check-crashed/);
    } finally {
      execFileSync('sh', ['-c', `grep -o '${dir}[^ ]*merged' /proc/self/mountinfo | xargs -r -n1 umount`]);
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('overlay: config rejects unknown keys', () => {
  assert.throws(() => new OverlaySnapshotter({ root: '/tmp/x', bogus: 1 } as never, silentLogger()));
});
