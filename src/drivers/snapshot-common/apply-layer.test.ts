// applyLayer on its own, into a plain directory: xattrs from PAX headers, the size limit, cancellation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { getAttribute } from '@napi-rs/xattr';
import { applyLayer, type WhiteoutMode } from './apply-layer.js';
import { paxXattrs } from '../../lib/fs/pax-xattrs.js';

const isRoot = process.getuid?.() === 0;
const noWhiteouts: WhiteoutMode = { whiteout: async () => undefined, opaque: async () => undefined };

async function layer(
  entries: { header: Partial<tar.Header> & { name: string; pax?: Record<string, string> }; body?: string }[],
): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => pack.on('end', resolve).on('error', reject));
  for (const e of entries) pack.entry(e.header as tar.Header, e.body ?? '');
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apply-layer-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('PAX xattrs: kept as text, overlay-steering and mangled binary values dropped', () => {
  const got = paxXattrs({
    'SCHILY.xattr.user.note': 'hello',
    'SCHILY.xattr.trusted.overlay.redirect': '/etc',
    'SCHILY.xattr.security.capability': '\u0001\uFFFD\u0000',
    path: 'a/b',
  });
  assert.deepEqual(got, [['user.note', Buffer.from('hello')]]);
  assert.deepEqual(paxXattrs(null), []);
});

test(
  'xattrs from PAX headers land on the file; trusted.overlay.* never does',
  { skip: !isRoot && 'needs root' },
  withDir(async (dir) => {
    const pax = { 'SCHILY.xattr.user.note': 'hello', 'SCHILY.xattr.trusted.overlay.opaque': 'y' };
    const tarball = await layer([
      { header: { name: 'f', type: 'file', size: 2, pax }, body: 'hi' },
      { header: { name: 'd/', type: 'directory', mode: 0o755, pax } },
    ]);
    await applyLayer(dir, Readable.from(tarball), { whiteouts: noWhiteouts });
    assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'hi');
    assert.equal(String(await getAttribute(join(dir, 'f'), 'user.note')), 'hello');
    assert.equal(String(await getAttribute(join(dir, 'd'), 'user.note')), 'hello');
    assert.equal(await getAttribute(join(dir, 'd'), 'trusted.overlay.opaque'), null);
  }),
);

test(
  'a file larger than the configured limit is refused before it is read',
  { skip: !isRoot && 'needs root' },
  withDir(async (dir) => {
    const tarball = await layer([{ header: { name: 'big', type: 'file', size: 10 }, body: '0123456789' }]);
    await assert.rejects(
      applyLayer(dir, Readable.from(tarball), { whiteouts: noWhiteouts, maxFileSize: 5 }),
      (err: Error & { kind?: string }) => {
        assert.equal(err.kind, 'InvalidArgument');
        assert.match(err.message, /big claims 10 bytes, more than the 5 allowed/);
        return true;
      },
    );
  }),
);

test(
  'an aborted signal stops the unpack',
  { skip: !isRoot && 'needs root' },
  withDir(async (dir) => {
    const tarball = await layer([{ header: { name: 'a', type: 'file', size: 1 }, body: 'a' }]);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      applyLayer(dir, Readable.from(tarball), { whiteouts: noWhiteouts, signal: controller.signal }),
      { name: 'AbortError' },
    );
  }),
);

test(
  'a later entry replaces an earlier one of any type; a directory entry keeps an existing directory',
  { skip: !isRoot && 'needs root' },
  withDir(async (dir) => {
    const tarball = await layer([
      { header: { name: 'f', type: 'file', size: 3 }, body: 'one' },
      { header: { name: 'f', type: 'file', size: 3 }, body: 'two' },
      { header: { name: 'd/child', type: 'file', size: 1 }, body: 'c' },
      { header: { name: 'd', type: 'file', size: 4 }, body: 'file' },
      { header: { name: 's', type: 'symlink', linkname: 'f' } },
      { header: { name: 's', type: 'file', size: 4, mode: 0o600 }, body: 'real' },
      { header: { name: 'k/inner', type: 'file', size: 1 }, body: 'i' },
      { header: { name: 'k/', type: 'directory', mode: 0o700 } },
      { header: { name: 'h', type: 'file', size: 1 }, body: 'h' },
      { header: { name: 'h', type: 'link', linkname: 'f' } },
    ]);
    await applyLayer(dir, Readable.from(tarball), { whiteouts: noWhiteouts });
    assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'two');
    assert.equal(readFileSync(join(dir, 'd'), 'utf8'), 'file');
    assert.equal(readFileSync(join(dir, 's'), 'utf8'), 'real');
    assert.equal(lstatSync(join(dir, 's')).mode & 0o7777, 0o600);
    assert.equal(readFileSync(join(dir, 'k/inner'), 'utf8'), 'i');
    assert.equal(lstatSync(join(dir, 'k')).mode & 0o7777, 0o700);
    assert.equal(lstatSync(join(dir, 'h')).ino, lstatSync(join(dir, 'f')).ino);
  }),
);

test(
  'AUFS metadata at the top of a layer is skipped, as Docker does',
  { skip: !isRoot && 'needs root' },
  withDir(async (dir) => {
    const tarball = await layer([
      { header: { name: '.wh..wh.plnk/', type: 'directory', mode: 0o700 } },
      { header: { name: '.wh..wh.plnk/123.456', type: 'file', size: 1 }, body: 'x' },
      { header: { name: '.wh..wh.aufs', type: 'file', size: 0 } },
      { header: { name: 'kept', type: 'file', size: 1 }, body: 'k' },
    ]);
    await applyLayer(dir, Readable.from(tarball), { whiteouts: noWhiteouts });
    assert.deepEqual(readdirSync(dir), ['kept']);
  }),
);
