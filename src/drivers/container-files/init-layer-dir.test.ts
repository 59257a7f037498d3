import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInitLayerDir } from './init-layer-dir.js';

test("the init layer's tree is made with dockerd's entries and modes, kept when intact, set aside when not", async () => {
  const root = await mkdtemp(join(tmpdir(), 'berth-init-layer-'));
  try {
    const dir = await ensureInitLayerDir(join(root, 'init-layer'));
    const mode = async (p: string): Promise<number> => (await lstat(join(dir, p))).mode & 0o7777;
    for (const p of ['.dockerenv', 'etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'dev/console']) {
      assert.equal((await lstat(join(dir, p))).size, 0, p);
      assert.equal(await mode(p), 0o755, p);
    }
    for (const p of ['dev', 'etc', 'dev/pts', 'dev/shm', 'proc', 'sys']) assert.equal(await mode(p), 0o755, p);
    assert.equal(await readlink(join(dir, 'etc/mtab')), '/proc/mounts');
    const inode = (await lstat(join(dir, '.dockerenv'))).ino;
    // Intact: the same tree (live containers may have it as a lower layer).
    await ensureInitLayerDir(dir);
    assert.equal((await lstat(join(dir, '.dockerenv'))).ino, inode);
    // Damaged: a new one, the old set aside rather than removed.
    await writeFile(join(dir, '.dockerenv'), 'x');
    await ensureInitLayerDir(dir);
    assert.equal((await lstat(join(dir, '.dockerenv'))).size, 0);
    assert.equal((await readdir(root)).filter((n) => n.startsWith('init-layer.old-')).length, 1);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
