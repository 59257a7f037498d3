import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { FdRoot, fdPath } from './fd-root.js';

/** A root with links that would escape if followed on the host, and a host file beside it. */
function fixture(): { base: string; root: string } {
  const base = mkdtempSync(join(tmpdir(), 'fd-root-'));
  const root = join(base, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'secret'), 'inside');
  writeFileSync(join(base, 'secret'), 'outside');
  symlinkSync('/', join(root, 'slash'));
  symlinkSync(join(base, 'secret'), join(root, 'abs'));
  symlinkSync('../../../../secret', join(root, 'climb'));
  symlinkSync('etc', join(root, 'rel'));
  return { base, root };
}

const resolvedPath = async (r: FdRoot, path: string, followLast = true): Promise<string> => {
  const res = await r.resolve(path, { followLast });
  try {
    return posix.join(res.dirPath, res.name);
  } finally {
    await res.release();
  }
};

test('symlinks to /, absolute links and climbs resolve inside the root', async () => {
  const { base, root } = fixture();
  const r = await FdRoot.open(root);
  try {
    assert.equal(await resolvedPath(r, '/slash/etc/secret'), '/etc/secret');
    // The host path the link names does not exist in the root: not found, not the host's file.
    await assert.rejects(r.resolve('/abs', { followLast: true }), { code: 'ENOENT' });
    assert.equal(await resolvedPath(r, '/climb'), '/secret');
    assert.equal(await resolvedPath(r, '/../../../etc/secret'), '/etc/secret');
    assert.equal(await resolvedPath(r, '/rel/../rel/secret'), '/etc/secret');
    assert.equal(await resolvedPath(r, '/abs', false), '/abs');
    // Reading through the held directory gets the root's file, never the host's.
    const res = await r.resolve('/slash/slash/etc/secret', { followLast: true });
    assert.equal(await readFile(fdPath(res.dir.fd, res.name), 'utf8'), 'inside');
    await res.release();
    await assert.rejects(r.resolve('/abs/x/y', { followLast: true }), { code: 'ENOENT' });
  } finally {
    await r.close();
    rmSync(base, { recursive: true, force: true });
  }
});

test('openDir with createParents makes missing directories inside the root only', async () => {
  const { base, root } = fixture();
  const r = await FdRoot.open(root);
  try {
    const dir = await r.openDir('/abs/made/here', { createParents: true });
    await dir.close();
    const inside = await r.resolve(`${base}/secret/made/here`, { followLast: true }).catch(() => undefined);
    assert.ok(inside, 'created under the root');
    await inside?.release();
    assert.equal(await readFile(join(base, 'secret'), 'utf8'), 'outside');
  } finally {
    await r.close();
    rmSync(base, { recursive: true, force: true });
  }
});

test('mounts are stepped into where the container sees them; their symlinks resolve against the root', async () => {
  const { base, root } = fixture();
  const vol = join(base, 'vol');
  mkdirSync(join(vol, 'sub'), { recursive: true });
  writeFileSync(join(vol, 'sub', 'data'), 'in volume');
  symlinkSync('/etc', join(vol, 'etc-link'));
  symlinkSync('../../../../../../', join(vol, 'climb'));
  writeFileSync(join(base, 'single'), 'one file');
  const volDir = await open(vol, 'r');
  const baseDir = await open(base, 'r');
  const mounts = new Map([
    ['/mnt/vol', { dir: volDir, file: '', readOnly: false }],
    ['/ro', { dir: volDir, file: '', readOnly: true }],
    ['/etc/one', { dir: baseDir, file: 'single', readOnly: false }],
  ]);
  const r = await FdRoot.open(root, mounts);
  try {
    // /mnt does not exist in the root: the mount point's parent is made, as runc does at start.
    const res = await r.resolve('/mnt/vol/sub/data', { followLast: true });
    assert.equal(await readFile(fdPath(res.dir.fd, res.name), 'utf8'), 'in volume');
    assert.equal(res.dirPath, '/mnt/vol/sub');
    await res.release();
    assert.equal(await resolvedPath(r, '/mnt/vol/etc-link/secret'), '/etc/secret');
    const inRoot = await r.resolve('/mnt/vol/etc-link/secret', { followLast: true });
    assert.equal(await readFile(fdPath(inRoot.dir.fd, inRoot.name), 'utf8'), 'inside');
    await inRoot.release();
    // Climbing out of the volume lands in the root, never in the host directory above the volume.
    assert.equal(await resolvedPath(r, '/mnt/vol/climb/etc/secret'), '/etc/secret');
    await assert.rejects(
      r.resolve('/mnt/vol/climb/single', { followLast: true }).then(async (x) => {
        const st = await readFile(fdPath(x.dir.fd, x.name), 'utf8');
        await x.release();
        return st;
      }),
      { code: 'ENOENT' },
    );
    // The mount point itself, unfollowed, names the mounted directory.
    const point = await r.resolve('/mnt/vol', { followLast: false });
    assert.deepEqual([point.name, point.dirPath], ['', '/mnt/vol']);
    await point.release();
    // A file mount.
    const one = await r.resolve('/etc/one', { followLast: false });
    assert.equal(await readFile(fdPath(one.dir.fd, one.name), 'utf8'), 'one file');
    await one.release();
    // Writes into a read-only mount are refused; reads are not.
    await assert.rejects(r.openDir('/ro/sub', { writable: true }), { code: 'EROFS' });
    await (await r.openDir('/ro/sub')).close();
    assert.equal(r.mountOf('/ro/sub/x')?.readOnly, true);
  } finally {
    await r.close();
    await volDir.close();
    await baseDir.close();
    rmSync(base, { recursive: true, force: true });
  }
});
