// ADD's local archives: a tar (plain or gzip) is unpacked into the destination directory, confined to the
// image's tree; anything else is copied as a file.
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, lchown, link, mkdir, open, rm, symlink, utimes } from 'node:fs/promises';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { escapesLexically, resolveInRoot } from '../lib/fs/in-root.js';
import { mkdirAllInRoot, placeInRoot, type WriteOptions } from './in-root-write.js';

/** 'gzip' or 'tar' when the file is an archive ADD unpacks. */
export async function archiveKind(path: string): Promise<'gzip' | 'tar' | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    if (bytesRead >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip';
    if (bytesRead >= 262 && buf.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
    return undefined;
  } finally {
    await fh.close();
  }
}

export async function extractArchiveInRoot(path: string, kind: 'gzip' | 'tar', root: string, dest: string, options: WriteOptions): Promise<void> {
  await mkdirAllInRoot(root, dest, options.owner);
  const extract = tar.extract();
  const input = createReadStream(path);
  const source = kind === 'gzip' ? input.pipe(createGunzip()) : input;
  source.on('error', (err: Error) => extract.destroy(err));
  source.pipe(extract);
  for await (const entry of extract) {
    const h = entry.header;
    const rel = posix.normalize(h.name.replace(/^\/+/, '')).replace(/\/+$/, '');
    if (rel === '.' || rel === '' || escapesLexically(rel)) {
      entry.resume();
      continue;
    }
    const target = await placeInRoot(root, posix.join(dest, rel));
    const owner = options.owner ?? { uid: h.uid ?? 0, gid: h.gid ?? 0 };
    const mode = options.mode ?? (h.mode ?? 0o644) & 0o7777;
    if (h.type === 'directory') {
      await mkdir(target, { recursive: true });
      await chmod(target, mode);
      await lchown(target, owner.uid, owner.gid);
      entry.resume();
      continue;
    }
    await rm(target, { recursive: true, force: true });
    if (h.type === 'file' || h.type === 'contiguous-file') {
      await pipeline(entry, createWriteStream(target, { flags: 'wx' }));
      await chmod(target, mode);
      await lchown(target, owner.uid, owner.gid);
      if (h.mtime) await utimes(target, h.mtime, h.mtime);
    } else if (h.type === 'symlink') {
      await symlink(h.linkname ?? '', target);
      await lchown(target, owner.uid, owner.gid);
      entry.resume();
    } else if (h.type === 'link') {
      const linkRel = posix.normalize((h.linkname ?? '').replace(/^\/+/, ''));
      if (!escapesLexically(linkRel)) await link(await resolveInRoot(root, posix.join(dest, linkRel), false), target);
      entry.resume();
    } else entry.resume();
  }
}
