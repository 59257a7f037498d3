// `-o type=local,dest=DIR`: the build's final filesystem sent back over the client's session as fsutil's sender
// does it (BuildKit's filesync.CopyToCaller): FileSend.DiffCopy carrying fsutil Packets, not BytesMessages. One STAT
// per entry in walk order (directories before their contents, names sorted), an empty STAT to end the listing;
// the client asks for file contents by the entry's index (REQ), gets DATA packets (an empty one ends a file), and
// ends with FIN, answered by FIN. The tree is an image mounted read-only: only real directories are walked, files
// are opened O_NOFOLLOW, symlinks are sent as links, never followed.
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import type { GenService } from '@bufbuild/protobuf/codegenv2';
import { FileSend } from '../gen/buildkit/github.com/moby/buildkit/session/filesync/filesync_pb.js';
import {
  Packet_PacketType as PacketType,
  PacketSchema,
  type Packet,
} from '../gen/buildkit/github.com/tonistiigi/fsutil/types/wire_pb.js';
import { StatSchema } from '../gen/buildkit/github.com/tonistiigi/fsutil/types/stat_pb.js';
import { invalidArgument } from '../core/errdefs.js';
import type { ClientSession } from './sessions.js';
import { PushQueue } from './push-queue.js';
import { goFileMode } from './go-file-mode.js';

const CHUNK = 32 * 1024;

// FileSend.DiffCopy's proto says BytesMessage; for a directory BuildKit sends fsutil Packets on the same method.
const diffCopy = { ...FileSend.method.diffCopy, input: PacketSchema, output: PacketSchema };
const PacketFileSend = { ...FileSend, methods: [diffCopy], method: { diffCopy } } as unknown as GenService<{
  diffCopy: { methodKind: 'bidi_streaming'; input: typeof PacketSchema; output: typeof PacketSchema };
}>;

const major = (rdev: number): bigint => (BigInt(rdev) >> 8n) & 0xfffn;
const minor = (rdev: number): bigint => (BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & 0xfff00n);

interface Listed {
  path: string;
  host: string;
  st: Stats;
}

/** Every entry under root in fsutil's walk order; sockets are left out (as BuildKit's copy skips them). */
async function* walk(root: string, rel = ''): AsyncGenerator<Listed> {
  const names = (await readdir(join(root, rel))).sort();
  for (const name of names) {
    const path = rel ? `${rel}/${name}` : name;
    const host = join(root, path);
    const st = await lstat(host);
    if (st.isSocket()) continue;
    yield { path, host, st };
    if (st.isDirectory()) yield* walk(root, path);
  }
}

/** Sends the tree at `root` to the client's FileSend target (its `dest` directory); returns the bytes sent. */
export async function sendTreeToClient(session: ClientSession, root: string, signal?: AbortSignal): Promise<number> {
  const requests = new PushQueue<Packet>();
  const files = new Map<number, string>();
  let sent = 0;
  let failure: unknown;

  const sendFile = async (id: number): Promise<void> => {
    const host = files.get(id);
    if (host === undefined) throw invalidArgument(`local export: the client asked for unknown entry ${id}`);
    const fh = await open(host, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        signal?.throwIfAborted();
        const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
        if (bytesRead === 0) break;
        sent += bytesRead;
        const data = Buffer.from(buf.subarray(0, bytesRead));
        requests.push(create(PacketSchema, { type: PacketType.PACKET_DATA, ID: id, data }));
        // At most a few chunks held in memory: a large file waits for the connection.
        await requests.drained(8);
      }
    } finally {
      await fh.close();
    }
    requests.push(create(PacketSchema, { type: PacketType.PACKET_DATA, ID: id }));
  };

  const list = async (): Promise<void> => {
    const links = new Map<string, string>();
    let id = 0;
    for await (const e of walk(root)) {
      const { st } = e;
      let linkname = '';
      if (st.isSymbolicLink()) linkname = await readlink(e.host);
      else if (st.isFile() && st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        linkname = links.get(key) ?? '';
        if (!linkname) links.set(key, e.path);
      }
      if (st.isFile() && !linkname) files.set(id, e.host);
      const device = st.isCharacterDevice() || st.isBlockDevice();
      const stat = create(StatSchema, {
        path: e.path,
        mode: goFileMode(st),
        uid: st.uid,
        gid: st.gid,
        size: st.isFile() && !linkname ? BigInt(st.size) : 0n,
        modTime: BigInt(Math.trunc(st.mtimeMs)) * 1_000_000n,
        linkname,
        ...(device ? { devmajor: major(st.rdev), devminor: minor(st.rdev) } : {}),
      });
      requests.push(create(PacketSchema, { type: PacketType.PACKET_STAT, stat }));
      id++;
    }
    requests.push(create(PacketSchema, { type: PacketType.PACKET_STAT }));
  };

  const replies = createClient(PacketFileSend, session.transport).diffCopy(requests, { signal });
  // Files are sent one at a time, in the order asked, after the listing: REQs queue up behind it.
  let queue: Promise<void> = list().catch((err: unknown) => {
    failure = err;
    requests.push(create(PacketSchema, { type: PacketType.PACKET_ERR, data: Buffer.from(String(err)) }));
    requests.end();
  });
  try {
    for await (const p of replies) {
      if (p.type === PacketType.PACKET_REQ) {
        const id = p.ID;
        queue = queue
          .then(() => (failure === undefined ? sendFile(id) : undefined))
          .catch((err: unknown) => {
            failure ??= err;
            requests.end();
          });
      } else if (p.type === PacketType.PACKET_FIN) {
        await queue;
        requests.push(create(PacketSchema, { type: PacketType.PACKET_FIN }));
        requests.end();
      } else if (p.type === PacketType.PACKET_ERR) {
        throw invalidArgument(`local export: the client failed: ${Buffer.from(p.data).toString()}`);
      }
    }
    await queue;
    if (failure !== undefined) throw failure;
    return sent;
  } finally {
    requests.end();
  }
}
