import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindMount, mountOverlay, mountTmpfs, unmount } from './mount.js';

const skip = process.getuid?.() !== 0 && 'mounting needs root';
const mounted = (target: string): boolean =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[4] === target);

test('overlay and read-only bind mounts through the syscalls, and unmounts', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-mount-'));
  try {
    for (const d of ['lower', 'upper', 'work', 'merged', 'ro']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'lower', 'base'), 'from the lower layer');
    const merged = join(dir, 'merged');
    await mountOverlay(
      [`lowerdir=${join(dir, 'lower')}`, `upperdir=${join(dir, 'upper')}`, `workdir=${join(dir, 'work')}`],
      merged,
    );
    assert.ok(mounted(merged));
    assert.equal(readFileSync(join(merged, 'base'), 'utf8'), 'from the lower layer');
    writeFileSync(join(merged, 'new'), 'written through the overlay');
    assert.equal(readFileSync(join(dir, 'upper', 'new'), 'utf8'), 'written through the overlay');

    const ro = join(dir, 'ro');
    await bindMount(merged, ro, { readonly: true });
    assert.equal(readFileSync(join(ro, 'new'), 'utf8'), 'written through the overlay');
    assert.throws(() => writeFileSync(join(ro, 'refused'), 'x'), { code: 'EROFS' });
    await unmount(ro);
    assert.ok(!mounted(ro));
    await unmount(merged, { lazy: true });
    assert.ok(!mounted(merged));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a mount the kernel refuses fails with mount(8)'s message", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-mount-'));
  try {
    await assert.rejects(
      mountOverlay([`lowerdir=${join(dir, 'missing')}`], dir),
      (err: Error) => /mount/.test(err.message) && /missing|No such file/i.test(err.message),
    );
    await assert.rejects(unmount(dir), /not mounted/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a tmpfs with its flags and size', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-mount-'));
  try {
    await mountTmpfs('shm', dir, ['nosuid', 'nodev', 'noexec', 'mode=1777', 'size=65536']);
    try {
      const line = readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .find((l) => l.split(' ')[4] === dir);
      assert.match(line ?? '', /nosuid,nodev,noexec/);
      assert.match(line ?? '', / tmpfs shm rw,size=64k/);
    } finally {
      await unmount(dir);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
