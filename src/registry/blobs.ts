// Blobs: HEAD and GET (with Range) and DELETE of /v2/<name>/blobs/<digest>. A blob is served only from a
// repository that links it; each access refreshes the link's lease, which garbage collection respects.
import { sendBlobFile } from './blob-send.js';
import type { Handler, RegistryContext } from './context.js';
import { registryError } from './errors.js';
import { checkDigest, checkName } from './names.js';
import type { FastifyReply } from 'fastify';
import type { Digest } from '../lib/digest.js';

type BlobRoute = { name: string; digest: string };

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` against a size; undefined when absent, 'invalid' when unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined | 'invalid' {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

export const getBlob: Handler<BlobRoute> = async (ctx, route, req, reply) => {
  const name = checkName(route.name);
  const digest = checkDigest(route.digest);
  if (!ctx.index.touchBlob(name, digest)) throw registryError('BLOB_UNKNOWN', 'blob unknown to registry', { digest });
  const info = await ctx.content.info(digest).catch(() => {
    throw registryError('BLOB_UNKNOWN', 'blob unknown to registry', { digest });
  });
  reply
    .header('Docker-Content-Digest', digest)
    .header('Accept-Ranges', 'bytes')
    .header('ETag', `"${digest}"`)
    .header('Cache-Control', 'max-age=31536000');
  reply.type('application/octet-stream');
  const range = parseRange(req.headers.range, info.size);
  if (range === 'invalid') {
    return reply.code(416).header('Content-Range', `bytes */${info.size}`).header('Content-Length', '0').send();
  }
  if (range) {
    reply
      .code(206)
      .header('Content-Range', `bytes ${range.start}-${range.end}/${info.size}`)
      .header('Content-Length', String(range.end - range.start + 1));
    if (req.method === 'HEAD') return reply.send();
    return sendBody(ctx, digest, reply, 206, info.size, range);
  }
  reply.header('Content-Length', String(info.size));
  if (req.method === 'HEAD') return reply.send();
  return sendBody(ctx, digest, reply, 200, info.size);
};

/** The blob's bytes (or `range` of them): from its file with sendfile where the store keeps files, else streamed. */
async function sendBody(
  ctx: RegistryContext,
  digest: Digest,
  reply: FastifyReply,
  status: number,
  size: number,
  range?: { start: number; end: number },
): Promise<unknown> {
  const file = size > 0 ? await ctx.content.openFile?.(digest).catch(() => undefined) : undefined;
  if (!file) return reply.code(status).send(ctx.content.read(digest, range));
  return sendBlobFile(reply, file, status, range?.start ?? 0, range?.end ?? size - 1);
}

/** Unlinks the blob from the repository; its bytes go at the next collection if nothing else holds them. */
export const deleteBlob: Handler<BlobRoute> = async (ctx, route, _req, reply) => {
  const name = checkName(route.name);
  const digest = checkDigest(route.digest);
  if (!ctx.index.unlinkBlob(name, digest)) throw registryError('BLOB_UNKNOWN', 'blob unknown to registry', { digest });
  return reply.code(202).header('Content-Length', '0').send();
};
