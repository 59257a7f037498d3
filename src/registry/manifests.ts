// Manifests by tag or digest: GET/HEAD serve the exact bytes pushed; PUT validates, checks every reference
// is in the repository (MANIFEST_BLOB_UNKNOWN otherwise, nothing stored), stores the bytes through the
// content store and indexes them in one transaction; DELETE of a tag removes only that tag, DELETE of a
// digest removes the manifest and its tags.
import type { FastifyRequest } from 'fastify';
import { sha256, type Digest } from '../lib/digest.js';
import { bodyStream, digestLock, type Handler } from './context.js';
import { registryError } from './errors.js';
import { parseManifest } from './manifest-parse.js';
import { checkName, parseReference } from './names.js';
import { manifestUrl } from './router.js';

type ManifestRoute = { name: string; ref: string };

function resolve(ctx: Parameters<Handler<ManifestRoute>>[0], name: string, ref: string): Digest {
  const parsed = parseReference(ref);
  const digest = 'digest' in parsed ? parsed.digest : ctx.index.resolveTag(name, parsed.tag);
  if (!digest) throw registryError('MANIFEST_UNKNOWN', 'manifest unknown', { tag: ref });
  return digest;
}

export const getManifest: Handler<ManifestRoute> = async (ctx, route, req, reply) => {
  const name = checkName(route.name);
  const digest = resolve(ctx, name, route.ref);
  const record = ctx.index.getManifest(name, digest);
  if (!record) throw registryError('MANIFEST_UNKNOWN', 'manifest unknown', { digest });
  const bytes = await ctx.content.readAll(digest).catch(() => {
    throw registryError('MANIFEST_UNKNOWN', 'manifest unknown', { digest });
  });
  reply
    .header('Docker-Content-Digest', digest)
    .header('ETag', `"${digest}"`)
    .header('Content-Length', String(bytes.length))
    .type(record.mediaType);
  return req.method === 'HEAD' ? reply.send() : reply.send(bytes);
};

/** Reads at most `limit` bytes of the body; 413 beyond. */
async function readLimited(req: FastifyRequest, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    registryError('MANIFEST_INVALID', `manifest too large: the limit is ${limit} bytes`, { limit }, 413);
  const declared = Number(req.headers['content-length']);
  const body = bodyStream(req);
  if (Number.isFinite(declared) && declared > limit) {
    body?.resume();
    throw tooLarge();
  }
  if (!body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      (body as NodeJS.ReadableStream).resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export const putManifest: Handler<ManifestRoute> = async (ctx, route, req, reply) => {
  const name = checkName(route.name);
  const ref = parseReference(route.ref);
  const bytes = await readLimited(req, ctx.maxManifestBytes);
  const digest = sha256(bytes);
  if ('digest' in ref && ref.digest !== digest)
    throw registryError('DIGEST_INVALID', 'provided digest did not match uploaded content', {
      digest: ref.digest,
      computed: digest,
    });
  const parsed = parseManifest(bytes, req.headers['content-type']);
  const record = {
    repo: name,
    digest,
    mediaType: parsed.mediaType,
    size: bytes.length,
    ...(parsed.subject ? { subject: parsed.subject } : {}),
    ...(parsed.artifactType ? { artifactType: parsed.artifactType } : {}),
    ...(parsed.annotations ? { annotations: parsed.annotations } : {}),
  };
  await ctx.locks.run(digestLock(digest), async () => {
    await ctx.content.put(bytes);
    const { missing } = ctx.index.putManifest(record, parsed.refs, 'tag' in ref ? ref.tag : undefined);
    if (missing.length) {
      // Nothing stays: the bytes go unless another repository or manifest already holds them.
      if (!ctx.index.isReferenced(digest)) await ctx.content.delete(digest);
      throw registryError('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: missing[0], missing });
    }
  });
  reply
    .code(201)
    .header('Location', manifestUrl(name, digest))
    .header('Docker-Content-Digest', digest)
    .header('Content-Length', '0');
  if (parsed.subject) reply.header('OCI-Subject', parsed.subject);
  return reply.send();
};

export const deleteManifest: Handler<ManifestRoute> = async (ctx, route, _req, reply) => {
  const name = checkName(route.name);
  const ref = parseReference(route.ref);
  const removed = 'tag' in ref ? ctx.index.deleteTag(name, ref.tag) : ctx.index.deleteManifest(name, ref.digest);
  if (!removed) throw registryError('MANIFEST_UNKNOWN', 'manifest unknown', ref);
  return reply.code(202).header('Content-Length', '0').send();
};
