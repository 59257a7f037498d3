// Unpacks an OCI layer (uncompressed tar stream) into a directory, confined to it: names that climb out with
// `..` are refused, every parent is resolved in-root (symlinks followed inside the root only), files are
// created with O_EXCL so a planted symlink is never written through, and hardlink targets resolve in-root.
// Whiteouts are handed to the snapshotter's WhiteoutMode (overlay char devices and xattrs, or deletions).
import type { FileHandle } from 'node:fs/promises';
import { chmod, copyFile, lchown, link, lstat, lutimes, mkdir, open, rm, symlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, join, posix, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { invalidArgument } from '../../core/errdefs.js';
import { escapesLexically, isPlainName, resolveInRoot } from '../../lib/fs/in-root.js';
import { makeNode } from './host-commands.js';
import { applyPaxXattrs } from './pax-xattrs.js';

export interface WhiteoutMode {
  /** `.wh.NAME` in directory `dir` (a host path inside the root). */
  whiteout(dir: string, name: string): Promise<void>;
  /** `.wh..wh..opq` in `dir`: hide what lower layers had there; `keep` holds host paths this layer wrote. */
  opaque(dir: string, keep: ReadonlySet<string>): Promise<void>;
}

export interface ApplyOptions {
  whiteouts: WhiteoutMode;
  /** Lower layers' roots, top first: where a hardlink's target may live when this layer does not carry it. */
  lowerRoots?: string[];
  /** Largest single file accepted (bytes). */
  maxFileSize?: number;
  signal?: AbortSignal;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';
const AUFS_META = '.wh..wh.';
const DEFAULT_MAX_FILE = 64 * 1024 ** 3;
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

const exists = async (p: string): Promise<boolean> => lstat(p).then(() => true, () => false);

/** Makes way for a new entry at `target`; true when something was removed. */
async function clearFor(target: string, isDir: boolean): Promise<boolean> {
  const st = await lstat(target).catch(() => undefined);
  if (!st) return false;
  if (isDir && st.isDirectory()) return false;
  await rm(target, { recursive: true, force: true });
  return true;
}

export async function applyLayer(root: string, layer: Readable, options: ApplyOptions): Promise<{ size: number }> {
  const extract = tar.extract();
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE;
  const written = new Set<string>();
  const dirTimes: [string, Date][] = [];
  let size = 0;
  layer.on('error', (err) => extract.destroy(err));
  // An entry destroyed before we started reading it never settles a pipeline: fail on the extractor's error too.
  const extractFailed = new Promise<never>((_resolve, reject) => extract.on('error', reject));
  extractFailed.catch(() => undefined);
  layer.pipe(extract);
  // Parents already resolved and made, by relative path: most entries share their directory with the one
  // before. Anything that removes an entry or makes a symlink may change how paths resolve: it clears this.
  const parents = new Map<string, string>();
  const ensureParent = async (rel: string): Promise<string> => {
    let parent = parents.get(rel);
    if (parent === undefined) {
      parent = await resolveInRoot(root, rel);
      dirTimes.push(...(await makeParentsLikeLower(root, parent, options.lowerRoots ?? [])));
      parents.set(rel, parent);
    }
    return parent;
  };
  const clear = async (target: string, isDir: boolean): Promise<void> => {
    if (await clearFor(target, isDir)) parents.clear();
  };
  /** Creates optimistically (most entries are new); on EEXIST makes way as `clear` does and tries once more. */
  const createOrReplace = async <T>(target: string, isDir: boolean, make: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await make();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const st = await lstat(target);
      if (isDir && st.isDirectory()) return undefined;
      await clear(target, isDir);
      return make();
    }
  };

  try {
    for await (const entry of extract) {
      options.signal?.throwIfAborted();
      const header = entry.header;
      const name = posix.normalize(`/${header.name}`).slice(1);
      if (escapesLexically(header.name.replace(/^\/+/, ''))) throw invalidArgument(`invalid layer: path escapes the root: ${header.name}`);
      // The root itself, and AUFS's metadata dirs at the top (`.wh..wh.plnk`, `.wh..wh.aufs`), as Docker skips them.
      if (name === '' || name === '.' || (name.startsWith(AUFS_META) && name !== OPAQUE)) {
        entry.resume();
        continue;
      }
      const parent = await ensureParent(posix.dirname(name));
      const base = basename(name);

      if (base === OPAQUE) {
        await options.whiteouts.opaque(parent, written);
        parents.clear();
        entry.resume();
        continue;
      }
      if (base.startsWith(WHITEOUT_PREFIX)) {
        // `.wh.`, `.wh..` and `.wh...` would name the directory itself or its parent: never a sibling.
        const hidden = base.slice(WHITEOUT_PREFIX.length);
        if (!isPlainName(hidden)) throw invalidArgument(`invalid layer: bad whiteout name: ${header.name}`);
        await options.whiteouts.whiteout(parent, hidden);
        parents.clear();
        entry.resume();
        continue;
      }

      const target = join(parent, base);
      const mode = (header.mode ?? 0o644) & 0o7777;
      switch (header.type) {
        case 'directory':
          await createOrReplace(target, true, () => mkdir(target));
          break;
        case 'file':
        case 'contiguous-file': {
          if ((header.size ?? 0) > maxFileSize) throw invalidArgument(`invalid layer: ${header.name} claims ${header.size} bytes, more than the ${maxFileSize} allowed`);
          // O_EXCL|O_NOFOLLOW: never written through whatever was there; that is removed first.
          const file = (await createOrReplace(target, false, () => open(target, NEW_FILE, mode))) as FileHandle;
          const writing = pipeline(entry, file.createWriteStream(), options.signal ? { signal: options.signal } : {});
          await Promise.race([writing, extractFailed]).catch(async (err: unknown) => {
            await file.close().catch(() => undefined); // the stream may never have reached its own close
            throw err;
          });
          size += header.size ?? 0;
          break;
        }
        case 'symlink':
          await createOrReplace(target, false, () => symlink(header.linkname ?? '', target));
          parents.clear();
          break;
        case 'link': {
          const linkname = (header.linkname ?? '').replace(/^\/+/, '');
          if (escapesLexically(linkname)) throw invalidArgument(`invalid layer: hardlink target escapes the root: ${header.linkname}`);
          const source = await resolveInRoot(root, linkname, false);
          if (!(await exists(source))) dirTimes.push(...(await copyUpFromLower(root, linkname, source, options.lowerRoots ?? [])));
          const st = await lstat(source).catch(() => undefined);
          if (!st) throw invalidArgument(`invalid layer: hardlink target not found: ${header.linkname}`);
          if (st.isDirectory()) throw invalidArgument(`invalid layer: hardlink to a directory: ${header.linkname}`);
          await createOrReplace(target, false, () => link(source, target));
          break;
        }
        case 'character-device':
        case 'block-device':
          await clear(target, false);
          await makeNode(target, header.type === 'character-device' ? 'c' : 'b', header.devmajor ?? 0, header.devminor ?? 0, mode);
          break;
        case 'fifo':
          await clear(target, false);
          await makeNode(target, 'p', 0, 0, mode);
          break;
        default:
          entry.resume();
          continue;
      }
      entry.resume();
      written.add(target);
      // A hardlink shares its target's inode: owner and mode are the target's already.
      if (header.type !== 'link') await lchown(target, header.uid ?? 0, header.gid ?? 0);
      // The mode goes on after chown(2), which clears setuid/setgid, and undoes the umask of creation.
      // (chmod follows symlinks: never on those; target is otherwise what this entry just made.)
      if (header.type !== 'link' && header.type !== 'symlink') await chmod(target, mode);
      // After chown, which drops security.capability.
      if (header.type !== 'link') await applyPaxXattrs(target, (header as { pax?: Record<string, string> | null }).pax);
      if (header.type === 'directory') dirTimes.push([target, header.mtime ?? new Date(0)]);
      else if (header.type !== 'link') await lutimes(target, header.mtime ?? new Date(0), header.mtime ?? new Date(0));
    }
  } catch (err) {
    layer.unpipe(extract);
    layer.resume();
    if ((err as { kind?: string }).kind) throw err;
    if ((err as Error).name === 'AbortError') throw err;
    throw invalidArgument(`invalid layer: ${(err as Error).message}`, err);
  }
  // Directory times last: writing children changed them.
  // The last time recorded for a directory wins (an explicit entry after an implicit parent).
  for (const [dir, mtime] of new Map(dirTimes)) await lutimes(dir, mtime, mtime).catch(() => undefined);
  return { size };
}

/**
 * Creates the missing directories from `root` down to `dir`, each with the owner, mode and mtime of the same
 * directory in the nearest lower layer (as overlayfs copy-up would), so an implicit parent does not mask them.
 * Returns the directories whose mtime must be set once the layer is written.
 */
async function makeParentsLikeLower(root: string, dir: string, lowerRoots: string[]): Promise<[string, Date][]> {
  const times: [string, Date][] = [];
  const rel = relative(root, dir);
  if (rel === '' || (await exists(dir))) return times;
  let current = root;
  let relSoFar = '';
  for (const part of rel.split(sep)) {
    current = join(current, part);
    relSoFar = relSoFar ? `${relSoFar}/${part}` : part;
    if (await exists(current)) continue;
    await mkdir(current);
    for (const lower of lowerRoots) {
      const st = await lstat(await resolveInRoot(lower, relSoFar)).catch(() => undefined);
      if (!st) continue;
      if (!st.isDirectory()) break;
      await lchown(current, st.uid, st.gid);
      await chmod(current, st.mode & 0o7777);
      times.push([current, st.mtime]);
      break;
    }
  }
  return times;
}

/** A hardlink to a file that only a lower layer has: copy it up first (owner, mode, mtime kept), as overlayfs would. */
async function copyUpFromLower(root: string, relPath: string, destination: string, lowerRoots: string[]): Promise<[string, Date][]> {
  for (const lower of lowerRoots) {
    const candidate = await resolveInRoot(lower, relPath, false);
    const st = await lstat(candidate).catch(() => undefined);
    if (!st?.isFile()) continue;
    const times = await makeParentsLikeLower(root, posix.dirname(destination), lowerRoots);
    await copyFile(candidate, destination);
    await lchown(destination, st.uid, st.gid);
    await chmod(destination, st.mode & 0o7777); // after chown, which clears setuid/setgid
    await lutimes(destination, st.atime, st.mtime);
    return times;
  }
  return [];
}
