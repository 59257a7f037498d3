// Exporters that send the build's result back to the client over its session (FileSend.DiffCopy), as BuildKit's
// `-o type=tar,dest=FILE` does: the final filesystem (not the layers) as one tar, in BytesMessage chunks the
// client writes to its file (or stdout for dest=-). Files are read from the image mounted read-only, never
// following a symlink out of it (packTree).
import { createClient } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import {
  BytesMessageSchema,
  FileSend,
  type BytesMessage,
} from '../gen/buildkit/github.com/moby/buildkit/session/filesync/filesync_pb.js';
import { openDirNoFollow } from '../lib/fs/fd-root.js';
import { packTree } from '../lib/fs/pack-tree.js';
import type { Builder } from '../builder/builder.js';
import type { ImageRecord } from '../core/images/image-record.js';
import type { ClientSession } from './sessions.js';
import type { SolveProgress } from './solve-progress.js';
import { sendTreeToClient } from './local-export.js';

/** `-o type=local,dest=DIR`: the final filesystem written by the client into DIR (local-export.ts). */
export async function exportLocalToClient(
  builder: Builder,
  session: ClientSession,
  record: ImageRecord,
  progress: SolveProgress,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const vertex = progress.vertex('exporting to client');
  return vertex.track(async () => {
    const bytes = await builder.withImageRoot(record, (root) => sendTreeToClient(session, root, signal));
    vertex.status('copying files', bytes);
    return {};
  });
}

async function* chunks(tar: AsyncIterable<Buffer>): AsyncIterable<BytesMessage> {
  for await (const data of tar) yield create(BytesMessageSchema, { data });
}

export async function exportTarToClient(
  builder: Builder,
  session: ClientSession,
  record: ImageRecord,
  progress: SolveProgress,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const vertex = progress.vertex('exporting to client');
  return vertex.track(async () => {
    vertex.status('sending tarball');
    await builder.withImageRoot(record, async (root) => {
      const dir = await openDirNoFollow(root);
      try {
        const tar = packTree(dir, '', '', { signal }) as AsyncIterable<Buffer>;
        const replies = createClient(FileSend, session.transport).diffCopy(chunks(tar), { signal });
        for await (const reply of replies) void reply; // the client answers nothing: wait for it to finish writing
      } finally {
        await dir.close();
      }
    });
    return {};
  });
}
