// Receiving a directory the client shares in its session (fsutil's DiffCopy over FileSync): the client sends a
// STAT packet per entry in walk order (an empty STAT ends the listing); berthd asks for file contents by the
// entry's index (REQ), gets them as DATA packets (an empty DATA ends a file), and ends with FIN, answered by FIN.
// Entries are written only inside directories this receiver made or verified, so no path climbs out or writes
// through a symlink; `keep` decides which files travel at all (.dockerignore is applied before any content is sent).
// Into a directory a previous sync filled (`previous`, as BuildKit keeps a local source by its shared key), a file
// whose STAT is unchanged is not asked for: only changed files travel, and what the client no longer lists goes.
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, symlink, link, chmod, utimes, lstat, rm, type FileHandle } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { createClient } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { FileSync } from '../gen/buildkit/github.com/moby/buildkit/session/filesync/filesync_pb.js';
import {
  Packet_PacketType as PacketType,
  PacketSchema,
  type Packet,
} from '../gen/buildkit/github.com/tonistiigi/fsutil/types/wire_pb.js';
import type { Stat } from '../gen/buildkit/github.com/tonistiigi/fsutil/types/stat_pb.js';
import { invalidArgument } from '../core/errdefs.js';
import type { ClientSession } from './sessions.js';
import { PushQueue } from './push-queue.js';
import { goFileKind, unixPermissions } from './go-file-mode.js';

/** One entry as the client listed it, and for a regular file the sha256 (hex) of what was written. */
export interface SyncedEntry {
  kind: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode: number;
  uid: number;
  gid: number;
  size: bigint;
  modTime: bigint;
  linkname: string;
  digest?: string;
}

/** What a sync left in its directory, by relative path. */
export type SyncedTree = Map<string, SyncedEntry>;

export interface SyncOptions {
  /** The name the client shares the directory by: "context" or "dockerfile" for buildx. */
  dirName: string;
  /** Sent to the client, which walks only these (one pattern each: see the note on metadata below). */
  includePattern?: string;
  /** Whether an entry (relative path) is wanted; the client still lists it, but sends no content. May wait. */
  keep?: (path: string, kind: 'file' | 'dir' | 'symlink') => boolean | Promise<boolean>;
  /** What an earlier sync left in `dest` (nothing else writes there); undefined: `dest` is empty. */
  previous?: SyncedTree;
  /** Told once the directory holds everything the client listed (before the closing FIN exchange). */
  onReady?: (result: SyncResult) => void;
  signal?: AbortSignal;
}

export interface SyncResult {
  /** Files whose contents were received. */
  files: number;
  /** File contents received, and about the listing's size (what BuildKit's progress shows). */
  bytes: number;
  /** File contents received, alone. */
  contentBytes: number;
  /** Files listed unchanged since `previous`, not transferred. */
  unchanged: number;
  /** Entries listed that `keep` refused (`.dockerignore`): nothing of them is written or asked for. */
  excluded: number;
  tree: SyncedTree;
}

function cleanPath(path: string): string {
  const clean = posix.normalize(path);
  if (clean.startsWith('/') || clean === '..' || clean.startsWith('../') || clean === '.' || clean === '')
    throw invalidArgument(`filesync: invalid path ${JSON.stringify(path)} from the client`);
  return clean;
}

/** About what a STAT packet holds besides its path and link name (mode, ids, size, time, framing). */
const LISTED_BYTES = 24;

const isRealDir = async (path: string): Promise<boolean> =>
  (await lstat(path).catch(() => undefined))?.isDirectory() ?? false;

const parentOf = (rel: string): string => (posix.dirname(rel) === '.' ? '' : posix.dirname(rel));

function entryOf(stat: Stat, kind: SyncedEntry['kind']): SyncedEntry {
  const { mode, uid, gid, size, modTime, linkname } = stat;
  return { kind, mode, uid, gid, size, modTime, linkname };
}

/**
 * A digest of everything a sync left in its directory (each entry's path, metadata and file digest, by path):
 * the same value means the same tree on disk, so what was hashed from it holds.
 */
export function treeContentId(tree: SyncedTree): string {
  const hash = createHash('sha256');
  for (const rel of [...tree.keys()].sort()) {
    const e = tree.get(rel) as SyncedEntry;
    hash.update(
      `${rel}\0${e.kind}\0${e.mode}\0${e.uid}\0${e.gid}\0${e.size}\0${e.modTime}\0${e.linkname}\0${e.digest ?? ''}\n`,
    );
  }
  return hash.digest('hex');
}

function sameEntry(a: SyncedEntry | undefined, b: SyncedEntry): boolean {
  return (
    a !== undefined &&
    a.kind === b.kind &&
    a.mode === b.mode &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    a.size === b.size &&
    a.modTime === b.modTime &&
    a.linkname === b.linkname
  );
}

/** Copies the client's directory `dirName` into `dest` (a directory berthd made, empty or as `previous` left it). */
export async function syncFromSession(session: ClientSession, dest: string, options: SyncOptions): Promise<SyncResult> {
  const client = createClient(FileSync, session.transport);
  const requests = new PushQueue<Packet>();
  // gRPC metadata: one value per key (Connect joins repeated values with ", ", which Go does not split).
  const headers: Record<string, string> = { 'dir-name': options.dirName };
  if (options.includePattern) headers['include-patterns'] = options.includePattern;
  const previous = options.previous ?? new Map<string, SyncedEntry>();

  // Directories known to be real directories of this sync (made, or kept from `previous` and checked).
  const madeDirs = new Set<string>(['']);
  const tree: SyncedTree = new Map();
  const files = new Map<number, { handle: FileHandle; path: string; mtime: Date; hash: Hash }>();
  const wanted = new Map<number, { path: string; mode: number; mtime: Date; entry: SyncedEntry }>();
  let index = 0;
  let listed = false;
  let finSent = false;
  const result: SyncResult = { files: 0, bytes: 0, contentBytes: 0, unchanged: 0, excluded: 0, tree };

  const ensureDir = async (rel: string): Promise<void> => {
    if (madeDirs.has(rel)) return;
    await ensureDir(parentOf(rel));
    await mkdir(join(dest, rel), { mode: 0o755 }).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      // A directory an earlier sync made (and this listing has not reached yet) may stay; nothing else.
      if (previous.get(rel)?.kind === 'dir' && (await isRealDir(join(dest, rel)))) return;
      throw invalidArgument(`filesync: ${rel} is not a directory the client listed`);
    });
    madeDirs.add(rel);
  };
  /** Clears the place of an entry an earlier sync left, so a new one can be made there (its parent is checked). */
  const clearOld = async (rel: string): Promise<void> => {
    if (previous.has(rel)) await rm(join(dest, rel), { recursive: true, force: true });
  };
  /**
   * Once the listing is over and every asked-for file is in, the directory is final: what the client no longer
   * lists goes, the caller may read it (`onReady`: the client's answering FIN is only the stream's close), then FIN.
   */
  const finishIfDone = async (): Promise<void> => {
    if (listed && wanted.size === 0 && files.size === 0 && !finSent) {
      finSent = true;
      await removeUnlisted();
      options.onReady?.(result);
      requests.push(create(PacketSchema, { type: PacketType.PACKET_FIN }));
    }
  };
  /** What `previous` holds that this listing did not: removed where its parent is a directory of this sync. */
  const removeUnlisted = async (): Promise<void> => {
    const gone = [...previous.keys()].filter((rel) => !tree.has(rel)).sort();
    for (const rel of gone)
      if (madeDirs.has(parentOf(rel))) await rm(join(dest, rel), { recursive: true, force: true });
  };

  const stream = client.diffCopy(requests, { headers, signal: options.signal });
  try {
    for await (const p of stream) {
      switch (p.type) {
        case PacketType.PACKET_STAT: {
          const stat = p.stat;
          // Progress counts the listing too, as fsutil's receiver counts every packet: a rebuild that sends no
          // file still shows what travelled.
          if (stat) result.bytes += LISTED_BYTES + stat.path.length + stat.linkname.length;
          if (!stat) {
            listed = true;
            await finishIfDone();
            break;
          }
          const id = index++;
          const rel = cleanPath(stat.path);
          const kind = goFileKind(stat.mode);
          const mtime = new Date(Number(stat.modTime / 1_000_000n));
          if (kind === 'other') break;
          if (options.keep && !(await options.keep(rel, kind))) {
            result.excluded++;
            break;
          }
          await ensureDir(parentOf(rel));
          const target = join(dest, rel);
          const old = previous.get(rel);
          if (kind === 'dir') {
            const entry = entryOf(stat, 'dir');
            tree.set(rel, entry);
            if (!madeDirs.has(rel)) {
              if (old?.kind === 'dir' && (await isRealDir(target))) {
                if (old.mode !== stat.mode) await chmod(target, unixPermissions(stat.mode));
                madeDirs.add(rel);
                break;
              }
              await clearOld(rel);
              await mkdir(target, { mode: 0o755 });
              madeDirs.add(rel);
            }
            await chmod(target, unixPermissions(stat.mode));
          } else if (kind === 'symlink') {
            const entry = entryOf(stat, 'symlink');
            tree.set(rel, entry);
            if (sameEntry(old, entry)) break;
            await clearOld(rel);
            await symlink(stat.linkname, target);
          } else if (stat.linkname) {
            // A hard link to an entry listed earlier in this walk.
            const source = cleanPath(stat.linkname);
            const entry = {
              ...entryOf(stat, 'hardlink'),
              ...(tree.get(source)?.digest ? { digest: tree.get(source)?.digest } : {}),
            };
            await clearOld(rel);
            await link(join(dest, source), target);
            tree.set(rel, entry);
          } else {
            const entry = entryOf(stat, 'file');
            if (sameEntry(old, entry) && old?.digest) {
              tree.set(rel, { ...entry, digest: old.digest });
              result.unchanged++;
              break;
            }
            await clearOld(rel);
            wanted.set(id, { path: rel, mode: unixPermissions(stat.mode), mtime, entry });
            requests.push(create(PacketSchema, { type: PacketType.PACKET_REQ, ID: id }));
          }
          break;
        }
        case PacketType.PACKET_DATA: {
          let file = files.get(p.ID);
          if (!file) {
            const want = wanted.get(p.ID);
            if (!want) throw invalidArgument(`filesync: data for unrequested file ${p.ID}`);
            wanted.delete(p.ID);
            // 'wx': never through an existing entry (a symlink the client listed under the same name).
            const handle = await open(join(dest, want.path), 'wx', want.mode);
            file = { handle, path: want.path, mtime: want.mtime, hash: createHash('sha256') };
            files.set(p.ID, file);
            tree.set(want.path, want.entry);
          }
          if (p.data.length > 0) {
            result.bytes += p.data.length;
            result.contentBytes += p.data.length;
            file.hash.update(p.data);
            await file.handle.write(p.data);
          } else {
            files.delete(p.ID);
            await file.handle.close();
            await utimes(join(dest, file.path), file.mtime, file.mtime);
            const entry = tree.get(file.path);
            if (entry) entry.digest = file.hash.digest('hex');
            result.files++;
            await finishIfDone();
          }
          break;
        }
        case PacketType.PACKET_FIN:
          requests.end();
          if (!finSent) await removeUnlisted();
          return result;
        case PacketType.PACKET_ERR:
          throw invalidArgument(
            `filesync: the client could not send ${options.dirName}: ${Buffer.from(p.data).toString()}`,
          );
        default:
          break;
      }
    }
    throw invalidArgument(`filesync: the client closed ${options.dirName} before finishing`);
  } finally {
    requests.end();
    for (const f of files.values()) await f.handle.close().catch(() => undefined);
  }
}
