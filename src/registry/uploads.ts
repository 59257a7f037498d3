// Blob uploads: POST (monolithic with ?digest=, cross-repository mount, or a new session), PATCH chunks in
// order, PUT to finish with the whole blob's digest, GET a session's progress, DELETE to cancel.
// Committing a blob is: content store verifying write (temp + size/digest check + fsync + rename), then the
// repository link in one transaction, both under the digest's lock (see gc.ts for why).
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isKind } from '../core/errdefs.js';
import type { Digest } from '../lib/digest.js';
import { bodyStream, digestLock, queryOf, uploadLock, type Handler, type RegistryContext } from './context.js';
import { registryError } from './errors.js';
import { checkDigest, checkName } from './names.js';
import { blobUrl, uploadUrl } from './router.js';

/** distribution's Range header for a session holding `size` bytes. */
const rangeOf = (size: number): string => `0-${Math.max(0, size - 1)}`;

/** Streams `data` (or moves a staging file) through the content store's verifying writer and links the blob into `repo`. */
export async function commitBlob(
  ctx: RegistryContext,
  repo: string,
  digest: Digest,
  data: (() => Readable | NodeJS.ReadableStream) | { file: string; hashedAs?: Digest },
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  await ctx.locks.run(digestLock(digest), async () => {
    try {
      if (typeof data === 'function') await ctx.content.ingest(Readable.from(data()), { digest }, options);
      else await ctx.content.commitFile(data.file, { digest }, { ...options, hashedAs: data.hashedAs });
    } catch (err) {
      if (isKind(err, 'InvalidArgument'))
        throw registryError('DIGEST_INVALID', 'provided digest did not match uploaded content', { digest });
      throw err;
    }
    ctx.index.linkBlob(repo, digest);
  });
}

function created(reply: FastifyReply, name: string, digest: Digest): FastifyReply {
  return reply
    .code(201)
    .header('Location', blobUrl(name, digest))
    .header('Docker-Content-Digest', digest)
    .header('Content-Length', '0')
    .send();
}

async function newSession(ctx: RegistryContext, name: string, reply: FastifyReply): Promise<FastifyReply> {
  const id = randomUUID();
  await ctx.uploads.create(id);
  ctx.index.createUpload({ id, repo: name, startedAt: Date.now() });
  return reply
    .code(202)
    .header('Location', uploadUrl(name, id))
    .header('Range', '0-0')
    .header('Docker-Upload-UUID', id)
    .header('Content-Length', '0')
    .send();
}

export const startUpload: Handler<{ name: string }> = async (ctx, route, req, reply) => {
  const name = checkName(route.name);
  const query = queryOf(req);
  if (query.mount !== undefined) {
    const digest = checkDigest(query.mount);
    const from = query.from !== undefined ? checkName(query.from) : undefined;
    // Mounted only when the source repository holds the blob; otherwise an ordinary session (202).
    if (
      from !== undefined &&
      req.registryMayPull(from) &&
      ctx.index.mountBlob(name, from, digest) &&
      (await ctx.content.has(digest))
    )
      return created(reply, name, digest);
    return newSession(ctx, name, reply);
  }
  if (query.digest !== undefined) {
    const digest = checkDigest(query.digest);
    const body = bodyStream(req) ?? Readable.from([]);
    await commitBlob(ctx, name, digest, () => body, { signal: abortSignalOf(req) });
    return created(reply, name, digest);
  }
  return newSession(ctx, name, reply);
};

function sessionOf(ctx: RegistryContext, route: { name: string; id: string }): { name: string; id: string } {
  const name = checkName(route.name);
  const session = /^[0-9a-f-]{36}$/.test(route.id) ? ctx.index.getUpload(route.id) : undefined;
  if (!session || session.repo !== name)
    throw registryError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { uuid: route.id });
  return { name, id: session.id };
}

/** Appends the request's body to a session, checking `Content-Range` (inclusive, must start at the current end). */
async function appendChunk(ctx: RegistryContext, id: string, req: FastifyRequest): Promise<number> {
  const current = await ctx.uploads.size(id);
  const body = bodyStream(req);
  const header = req.headers['content-range'];
  let expected: number | undefined;
  if (header) {
    const m = /^(?:bytes )?(\d+)-(\d+)(?:\/\d+|\/\*)?$/.exec(header.trim());
    if (!m || Number(m[1]) !== current || Number(m[2]) < Number(m[1])) {
      body?.resume();
      throw registryError('RANGE_INVALID', 'invalid content range', { current, contentRange: header });
    }
    expected = Number(m[2]) - Number(m[1]) + 1;
  }
  if (!body) return current;
  try {
    const written = await ctx.uploads.append(id, body, { signal: abortSignalOf(req) });
    if (expected !== undefined && written !== expected)
      throw registryError('SIZE_INVALID', 'chunk length does not match its Content-Range', { expected, written });
  } catch (err) {
    await ctx.uploads.truncate(id, current);
    throw err;
  }
  return ctx.uploads.size(id);
}

export const patchUpload: Handler<{ name: string; id: string }> = async (ctx, route, req, reply) => {
  const { name, id } = sessionOf(ctx, route);
  const size = await ctx.locks.run(uploadLock(id), () => appendChunk(ctx, id, req));
  return reply
    .code(202)
    .header('Location', uploadUrl(name, id))
    .header('Range', rangeOf(size))
    .header('Docker-Upload-UUID', id)
    .header('Content-Length', '0')
    .send();
};

export const finishUpload: Handler<{ name: string; id: string }> = async (ctx, route, req, reply) => {
  const { name, id } = sessionOf(ctx, route);
  const query = queryOf(req);
  const digest = checkDigest(query.digest);
  await ctx.locks.run(uploadLock(id), async () => {
    const size = await appendChunk(ctx, id, req);
    try {
      await commitBlob(ctx, name, digest, { file: ctx.uploads.path(id), hashedAs: ctx.uploads.digestOf(id, size) });
    } finally {
      // A finished session is gone whether its digest matched or not, as distribution does.
      ctx.index.deleteUpload(id);
      await ctx.uploads.remove(id);
    }
  });
  return created(reply, name, digest);
};

export const uploadStatus: Handler<{ name: string; id: string }> = async (ctx, route, _req, reply) => {
  const { name, id } = sessionOf(ctx, route);
  const size = await ctx.uploads.size(id);
  return reply
    .code(204)
    .header('Location', uploadUrl(name, id))
    .header('Range', rangeOf(size))
    .header('Docker-Upload-UUID', id)
    .send();
};

export const cancelUpload: Handler<{ name: string; id: string }> = async (ctx, route, _req, reply) => {
  const { id } = sessionOf(ctx, route);
  await ctx.locks.run(uploadLock(id), async () => {
    ctx.index.deleteUpload(id);
    await ctx.uploads.remove(id);
  });
  return reply.code(204).send();
};

/** Aborted when the client goes away, so a dropped upload stops writing. */
function abortSignalOf(req: FastifyRequest): AbortSignal {
  const controller = new AbortController();
  req.raw.once('close', () => {
    if (!req.raw.complete) controller.abort();
  });
  return controller.signal;
}
