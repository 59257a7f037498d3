// extractTar with mounts below the destination (docker cp into a container with volumes and binds): entries
// land in what is mounted, a mount point takes only a directory entry, read-only mounts and mount points are
// never written, removed or replaced, and symlinks in a mount resolve against the destination.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { extractTar } from './extract-tar.js';
import type { FdMount } from './fd-root.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink'; body?: string; linkname?: string; mode?: number };

async function tarOf(entries: Entry[]): Promise<Readable> {
  const pack = tar.pack();
  for (const e of entries)
    pack.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: e.mode }, e.body ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Readable.from([Buffer.concat(chunks)]);
}

async function withMounts(
  use: (t: { base: string; root: FileHandle; mounts: Map<string, FdMount> }) => Promise<void>,
): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'berth-extract-mounts-'));
  for (const d of ['root/vol', 'root/ro', 'root/etc', 'root/data', 'vol', 'ro'])
    mkdirSync(join(base, d), { recursive: true });
  symlinkSync('/etc', join(base, 'vol', 'etc-link'));
  const handles = await Promise.all(['root', 'vol', 'ro'].map((d) => open(join(base, d), 'r')));
  const [root, vol, ro] = handles as [FileHandle, FileHandle, FileHandle];
  const mounts = new Map<string, FdMount>([
    ['/vol', { dir: vol, file: '', readOnly: false }],
    ['/ro', { dir: ro, file: '', readOnly: true }],
    ['/data/nested', { dir: vol, file: '', readOnly: false }],
  ]);
  try {
    await use({ base, root, mounts });
  } finally {
    for (const h of handles) await h.close();
    rmSync(base, { recursive: true, force: true });
  }
}

test('entries below a mount point land in the mounted directory; its symlinks resolve in the destination', async () => {
  await withMounts(async ({ base, root, mounts }) => {
    const archive = await tarOf([
      { name: 'vol/', type: 'directory', mode: 0o750 },
      { name: 'vol/a.txt', body: 'in volume' },
      { name: 'vol/etc-link/passwd', body: 'root entry' },
      { name: 'top.txt', body: 'in root' },
    ]);
    await extractTar(root, archive, { noChown: true, mounts });
    assert.equal(readFileSync(join(base, 'vol', 'a.txt'), 'utf8'), 'in volume');
    assert.equal(statSync(join(base, 'vol')).mode & 0o777, 0o750);
    assert.equal(readFileSync(join(base, 'root', 'etc', 'passwd'), 'utf8'), 'root entry');
    assert.equal(readFileSync(join(base, 'root', 'top.txt'), 'utf8'), 'in root');
    assert.deepEqual(readdirSync(join(base, 'root', 'vol')), [], 'the mount point in the root stays empty');
  });
});

test('read-only mounts and mount points are never written, replaced or removed', async () => {
  await withMounts(async ({ base, root, mounts }) => {
    const refused = async (entries: Entry[], message: RegExp): Promise<void> =>
      assert.rejects(extractTar(root, await tarOf(entries), { noChown: true, mounts }), message);
    await refused([{ name: 'ro/x.txt', body: 'never' }], /read-only/);
    await refused([{ name: 'ro/', type: 'directory' }], /read-only/);
    await refused([{ name: 'vol', body: 'a file over a mount point' }], /cannot overwrite mount point "\/vol"/);
    await refused([{ name: 'vol', type: 'symlink', linkname: '/etc' }], /cannot overwrite mount point/);
    await refused(
      [{ name: 'data', body: 'a file over a directory holding a mount point' }],
      /cannot overwrite mount point "\/data"/,
    );
    assert.deepEqual(readdirSync(join(base, 'ro')), []);
    assert.ok(statSync(join(base, 'vol')).isDirectory());
    assert.ok(statSync(join(base, 'root', 'data')).isDirectory());
    assert.ok(existsSync(join(base, 'vol', 'etc-link')));
  });
});

test('a file larger than the write batch arrives whole, whatever the chunks it came in', async () => {
  const body = Buffer.alloc(2.5 * 1024 * 1024 + 123);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7919) % 251;
  const pack = tar.pack();
  pack.entry({ name: 'big.bin', size: body.length }, body);
  pack.finalize();
  const whole: Buffer[] = [];
  for await (const c of pack) whole.push(c as Buffer);
  const archive = Buffer.concat(whole);
  // Uneven chunks, as a network or an inflater hands them over.
  const chunks: Buffer[] = [];
  for (let off = 0, n = 1; off < archive.length; off += n, n = (n * 31 + 4099) % 300_000)
    chunks.push(archive.subarray(off, off + n));
  const base = mkdtempSync(join(tmpdir(), 'berth-extract-big-'));
  const root = await open(base, 'r');
  try {
    await extractTar(root, Readable.from(chunks), { noChown: true });
    assert.ok(readFileSync(join(base, 'big.bin')).equals(body));
  } finally {
    await root.close();
    rmSync(base, { recursive: true, force: true });
  }
});
