// ADD's local archives: a tar, plain or compressed (gzip, bzip2, xz, as Docker's ADD recognises them), is
// unpacked into the destination directory through the one confined extractor (lib/fs/extract-tar.ts), the
// destination held open as its root (Docker untars ADD chrooted into the destination); anything else is
// copied as a file. bzip2 and xz are inflated by their own programs, as Docker does for xz.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { lchown, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FdRoot, fdPath } from '../lib/fs/fd-root.js';
import { ExtractError, extractTar } from '../lib/fs/extract-tar.js';
import type { WriteOptions } from './in-root-write.js';
import { BuildError } from './ports.js';

export type ArchiveKind = 'tar' | 'gzip' | 'bzip2' | 'xz';

const MAGIC: [ArchiveKind, number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
];

/** The kind of archive ADD unpacks, or undefined for a file it copies. */
export async function archiveKind(path: string): Promise<ArchiveKind | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    for (const [kind, magic] of MAGIC)
      if (bytesRead >= magic.length && magic.every((b, i) => buf[i] === b)) return kind;
    if (bytesRead >= 262 && buf.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
    return undefined;
  } finally {
    await fh.close();
  }
}

/** The archive's tar stream; a decompressor that fails fails the stream. */
function tarStream(path: string, kind: ArchiveKind): Readable {
  const input = createReadStream(path);
  if (kind === 'tar') return input;
  if (kind === 'gzip') {
    const gunzip = createGunzip();
    input.on('error', (err) => gunzip.destroy(err));
    return input.pipe(gunzip);
  }
  const child = spawn(kind === 'xz' ? 'xz' : 'bzip2', ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = child.stdout;
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
  input.on('error', (err) => out.destroy(err));
  child.stdin.on('error', () => undefined); // the decompressor may stop reading early; its exit says why
  child.on('error', (err) => out.destroy(err));
  child.on('close', (code) => {
    if (code !== 0) out.destroy(new Error(`${kind}: ${stderr.trim() || `exit status ${code}`}`));
  });
  input.pipe(child.stdin);
  return out;
}

export async function extractArchiveInRoot(
  path: string,
  kind: ArchiveKind,
  root: string,
  dest: string,
  options: WriteOptions,
): Promise<void> {
  const fdRoot = await FdRoot.open(root);
  try {
    const owner = options.owner;
    const destDir = await fdRoot.openDir(dest, {
      createParents: true,
      onCreate: async (d, n) => (owner ? lchown(fdPath(d.fd, n), owner.uid, owner.gid) : undefined),
    });
    try {
      await extractTar(destDir, tarStream(path, kind), { owner, mode: options.mode });
    } finally {
      await destDir.close();
    }
  } catch (err) {
    if (err instanceof ExtractError) throw new BuildError(`ADD failed: invalid archive: ${err.message}`, 1);
    throw err;
  } finally {
    await fdRoot.close();
  }
}
