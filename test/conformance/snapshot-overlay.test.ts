import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OverlaySnapshotter } from '../../src/drivers/snapshot-overlay/index.js';
import { silentLogger } from '../../src/lib/logger.js';
import { isRoot } from '../helpers/daemon.js';
import { snapshotterSuite } from './snapshotter-suite.js';

snapshotterSuite('overlay', (root) => new OverlaySnapshotter({ root }, silentLogger()), !isRoot() && 'needs root');

test('overlay: a stack too deep for one mount is refused with FailedPrecondition, not cut off', { skip: !isRoot() && 'needs root' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snap-overlay-deep-'));
  try {
    const snaps = new OverlaySnapshotter({ root: join(dir, 'root') }, silentLogger());
    let parent: string | undefined;
    let depth = 0;
    for (; depth < 200; depth++) {
      const prepared = await snaps.prepare(`x${depth}`, parent).then(() => undefined, (err: { kind?: string }) => err);
      if (prepared) {
        assert.equal(prepared.kind, 'FailedPrecondition');
        break;
      }
      await snaps.commit(`l${depth}`, `x${depth}`);
      parent = `l${depth}`;
    }
    assert.ok(depth >= 30 && depth < 200, `refused at ${depth} layers`);
    assert.equal((await snaps.list()).some((s) => s.key === `x${depth}`), false, 'the refused snapshot is rolled back');
    await snaps.prepare('shallow', 'l2');
    assert.equal((await snaps.mounts('shallow'))[0]?.type, 'overlay');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
