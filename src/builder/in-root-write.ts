// Writing into an image's tree (a mounted snapshot) as if chrooted there: every parent is resolved in-root
// (symlinks in the image cannot lead outside), the last component is replaced, never followed.
import { chmod, copyFile, lchown, lstat, mkdir, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { resolveInRoot } from '../lib/fs/in-root.js';
import { eachLimited } from '../lib/each-limited.js';
import { listTree, type SourceRoot } from './copy-sources.js';

export interface Ownership {
  uid: number;
  gid: number;
}

export interface WriteOptions {
  owner: Ownership | undefined;
  /** --chmod: applied to every file and directory copied. */
  mode: number | undefined;
}

/** Creates `path` and missing parents inside root (0755, root-owned); returns its host path. */
export async function mkdirAllInRoot(root: string, path: string, owner?: Ownership): Promise<string> {
  let current = '/';
  let host = root;
  for (const part of path.split('/').filter((p) => p !== '' && p !== '.')) {
    current = posix.join(current, part);
    host = await resolveInRoot(root, current);
    const st = await lstat(host).catch(() => undefined);
    if (st?.isDirectory()) continue;
    if (st) await rm(host, { recursive: true, force: true });
    await mkdir(host, { mode: 0o755 });
    await chmod(host, 0o755);
    if (owner) await lchown(host, owner.uid, owner.gid);
  }
  return host;
}

/** Host path for creating `path` (its parent resolved in-root, the entry itself not followed). */
export async function placeInRoot(root: string, path: string): Promise<string> {
  const parent = await mkdirAllInRoot(root, posix.dirname(path));
  return join(parent, basename(path));
}

export async function isDirInRoot(root: string, path: string): Promise<boolean> {
  const st = await lstat(await resolveInRoot(root, path)).catch(() => undefined);
  return st?.isDirectory() ?? false;
}

/**
 * Copies one entry (file, symlink or directory node, not its contents) from the host to `target`, the host path of
 * its destination (its parent already resolved in root); `st` is the source's lstat.
 */
async function copyEntry(
  hostSrc: string,
  st: Stats,
  target: string,
  options: WriteOptions,
  preserveOwner: boolean,
): Promise<void> {
  const existing = await lstat(target).catch(() => undefined);
  const owner = options.owner ?? (preserveOwner ? { uid: st.uid, gid: st.gid } : { uid: 0, gid: 0 });
  if (st.isDirectory()) {
    if (existing && !existing.isDirectory()) await rm(target, { force: true });
    if (!existing?.isDirectory()) await mkdir(target);
    await lchown(target, owner.uid, owner.gid);
    await chmod(target, options.mode ?? st.mode & 0o7777);
    await utimes(target, st.atime, st.mtime);
    return;
  }
  if (existing) await rm(target, { recursive: true, force: true });
  if (st.isSymbolicLink()) {
    await symlink(await readlink(hostSrc), target);
    await lchown(target, owner.uid, owner.gid);
    return;
  }
  if (!st.isFile()) return;
  await copyFile(hostSrc, target);
  // Owner first: a chown clears the set-uid and set-gid bits the mode then sets.
  await lchown(target, owner.uid, owner.gid);
  await chmod(target, options.mode ?? st.mode & 0o7777);
  await utimes(target, st.atime, st.mtime);
}

/** A file source to `dest` (a file path), or a directory source's contents into `dest`. */
export async function copyIntoRoot(
  src: SourceRoot,
  hostSrc: string,
  rel: string,
  root: string,
  dest: string,
  options: WriteOptions,
  preserveOwner = false,
): Promise<void> {
  const st = await lstat(hostSrc);
  if (!st.isDirectory()) {
    await copyEntry(hostSrc, st, await placeInRoot(root, dest), options, preserveOwner);
    return;
  }
  await mkdirAllInRoot(root, dest, options.owner);
  const entries = await listTree(hostSrc, rel);
  const destOf = (e: { rel: string }): string => posix.join(dest, rel ? e.rel.slice(rel.length + 1) : e.rel);
  // Directories first, in walk order (a parent before what is under it), so every file's parent is settled; then
  // the files (and symlinks), FILES_AT_ONCE at a time: each is a leaf no other entry resolves through, and one by one
  // a context of small files waited five thread-pool round trips per file. Parents resolved once per directory.
  const parents = new Map<string, Promise<string>>();
  const place = (path: string): Promise<string> => {
    const dir = posix.dirname(path);
    let parent = parents.get(dir);
    if (!parent) parents.set(dir, (parent = mkdirAllInRoot(root, dir)));
    return parent.then((host) => join(host, basename(path)));
  };
  for (const e of entries)
    if (e.st.isDirectory()) await copyEntry(e.host, e.st, await placeInRoot(root, destOf(e)), options, preserveOwner);
  await eachLimited(
    entries.filter((e) => !e.st.isDirectory()),
    FILES_AT_ONCE,
    async (e) => copyEntry(e.host, e.st, await place(destOf(e)), options, preserveOwner),
  );
}

const FILES_AT_ONCE = 16;

/** A file with given content (COPY heredocs). */
export async function writeContentInRoot(
  root: string,
  dest: string,
  content: string,
  options: WriteOptions,
): Promise<void> {
  const target = await placeInRoot(root, dest);
  await rm(target, { recursive: true, force: true });
  await writeFile(target, content);
  const owner = options.owner ?? { uid: 0, gid: 0 };
  await lchown(target, owner.uid, owner.gid);
  await chmod(target, options.mode ?? 0o644);
}
