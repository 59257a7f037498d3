// Receiving a directory the client shares in its session (fsutil's DiffCopy over FileSync): the client sends a
// STAT packet per entry in walk order (an empty STAT ends the listing); berthd asks for file contents by the
// entry's index (REQ), gets them as DATA packets (an empty DATA ends a file), and ends with FIN, answered by FIN.
// Entries are written only inside directories this receiver made, so no path climbs out or writes through a
// symlink; `keep` decides which files travel at all (.dockerignore is applied before any content is sent).
import { mkdir, open, symlink, link, chmod, utimes, type FileHandle } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { createClient } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { FileSync } from '../gen/buildkit/github.com/moby/buildkit/session/filesync/filesync_pb.js';
import {
  Packet_PacketType as PacketType,
  PacketSchema,
  type Packet,
} from '../gen/buildkit/github.com/tonistiigi/fsutil/types/wire_pb.js';
import { invalidArgument } from '../core/errdefs.js';
import type { ClientSession } from './sessions.js';
import { PushQueue } from './push-queue.js';
import { goFileKind, unixPermissions } from './go-file-mode.js';

export interface SyncOptions {
  /** The name the client shares the directory by: "context" or "dockerfile" for buildx. */
  dirName: string;
  /** Sent to the client, which walks only these (one pattern each: see the note on metadata below). */
  includePattern?: string;
  /** Whether an entry (relative path) is wanted; the client still lists it, but sends no content. */
  keep?: (path: string, kind: 'file' | 'dir' | 'symlink') => boolean;
  signal?: AbortSignal;
}

export interface SyncResult {
  files: number;
  bytes: number;
}

function cleanPath(path: string): string {
  const clean = posix.normalize(path);
  if (clean.startsWith('/') || clean === '..' || clean.startsWith('../') || clean === '.' || clean === '')
    throw invalidArgument(`filesync: invalid path ${JSON.stringify(path)} from the client`);
  return clean;
}

/** Copies the client's directory `dirName` into `dest` (an empty directory berthd made). */
export async function syncFromSession(session: ClientSession, dest: string, options: SyncOptions): Promise<SyncResult> {
  const client = createClient(FileSync, session.transport);
  const requests = new PushQueue<Packet>();
  // gRPC metadata: one value per key (Connect joins repeated values with ", ", which Go does not split).
  const headers: Record<string, string> = { 'dir-name': options.dirName };
  if (options.includePattern) headers['include-patterns'] = options.includePattern;

  const madeDirs = new Set<string>(['']);
  const files = new Map<number, { handle: FileHandle; path: string; mtime: Date }>();
  const wanted = new Map<number, { path: string; mode: number; mtime: Date }>();
  let index = 0;
  let listed = false;
  let finSent = false;
  const result: SyncResult = { files: 0, bytes: 0 };

  const ensureDir = async (rel: string): Promise<void> => {
    if (madeDirs.has(rel)) return;
    await ensureDir(posix.dirname(rel) === '.' ? '' : posix.dirname(rel));
    await mkdir(join(dest, rel), { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      throw invalidArgument(`filesync: ${rel} is not a directory the client listed`);
    });
    madeDirs.add(rel);
  };
  const parentOf = (rel: string): string => (posix.dirname(rel) === '.' ? '' : posix.dirname(rel));
  const finishIfDone = (): void => {
    if (listed && wanted.size === 0 && files.size === 0 && !finSent) {
      finSent = true;
      requests.push(create(PacketSchema, { type: PacketType.PACKET_FIN }));
    }
  };

  const stream = client.diffCopy(requests, { headers, signal: options.signal });
  try {
    for await (const p of stream) {
      switch (p.type) {
        case PacketType.PACKET_STAT: {
          const stat = p.stat;
          if (!stat) {
            listed = true;
            finishIfDone();
            break;
          }
          const id = index++;
          const rel = cleanPath(stat.path);
          const kind = goFileKind(stat.mode);
          const mtime = new Date(Number(stat.modTime / 1_000_000n));
          if (kind === 'other') break;
          if (options.keep && !options.keep(rel, kind)) break;
          await ensureDir(parentOf(rel));
          const target = join(dest, rel);
          if (kind === 'dir') {
            if (!madeDirs.has(rel)) {
              await mkdir(target, { mode: 0o755 });
              madeDirs.add(rel);
            }
            await chmod(target, unixPermissions(stat.mode));
          } else if (kind === 'symlink') {
            await symlink(stat.linkname, target);
          } else if (stat.linkname) {
            // A hard link to an entry listed earlier in this walk.
            await link(join(dest, cleanPath(stat.linkname)), target);
          } else {
            wanted.set(id, { path: rel, mode: unixPermissions(stat.mode), mtime });
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
            file = { handle, path: want.path, mtime: want.mtime };
            files.set(p.ID, file);
          }
          if (p.data.length > 0) {
            result.bytes += p.data.length;
            await file.handle.write(p.data);
          } else {
            files.delete(p.ID);
            await file.handle.close();
            await utimes(join(dest, file.path), file.mtime, file.mtime);
            result.files++;
            finishIfDone();
          }
          break;
        }
        case PacketType.PACKET_FIN:
          requests.end();
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
