import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearVolatileMarker, mountWithVolatileFallback, withVolatile } from './overlay-volatile.js';

test('a volatile marker made since boot goes before a remount; none is a no-op', async () => {
  const work = mkdtempSync(join(tmpdir(), 'overlay-volatile-'));
  try {
    await clearVolatileMarker(work, false);
    mkdirSync(join(work, 'work', 'incompat', 'volatile', 'dirty'), { recursive: true });
    await clearVolatileMarker(work, false);
    assert.equal(existsSync(join(work, 'work', 'incompat')), false);
    assert.equal(existsSync(join(work, 'work')), true, 'only the marker goes');
    mkdirSync(join(work, 'work', 'incompat', 'volatile'), { recursive: true });
    await clearVolatileMarker(work, true);
    assert.equal(existsSync(join(work, 'work', 'incompat')), false);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('a kernel that refuses volatile: mounted without it, and not asked again; other failures stay failures', async () => {
  const refusing = (fails: (o: string[]) => boolean) => {
    const calls: string[][] = [];
    const mount = async (o: string[]) => {
      calls.push(o);
      if (fails(o)) throw new Error(`refused ${o.join(',')}`);
    };
    return { calls, mount };
  };
  const broken = refusing(() => true);
  await assert.rejects(
    mountWithVolatileFallback(['lowerdir=/l', 'volatile'], broken.mount),
    /refused lowerdir=\/l,volatile/,
  );
  assert.deepEqual(withVolatile(['a']), ['a', 'volatile'], 'a failure of both is not the option');

  const old = refusing((o) => o.includes('volatile'));
  await mountWithVolatileFallback(['lowerdir=/l', 'volatile'], old.mount);
  assert.deepEqual(old.calls, [['lowerdir=/l', 'volatile'], ['lowerdir=/l']]);
  assert.deepEqual(withVolatile(['a']), ['a']);
});
