// Content discovery: tag lists and the catalog (lexically ordered, paginated with n/last and a Link
// header), and the referrers API (an OCI index of the manifests whose subject is the given digest).
import type { FastifyReply } from 'fastify';
import { MEDIA_TYPES } from '../spec/oci/image.js';
import { queryOf, type Handler } from './context.js';
import { registryError } from './errors.js';
import { checkDigest, checkName, parsePage } from './names.js';

/** Fetches one more than asked to know whether a next page exists; sets Link when it does. */
function paginate(reply: FastifyReply, path: string, items: string[], n: number | undefined): string[] {
  if (n === undefined || items.length <= n) return items;
  const page = items.slice(0, n);
  const last = page[page.length - 1] as string;
  reply.header('Link', `<${path}?n=${n}&last=${encodeURIComponent(last)}>; rel="next"`);
  return page;
}

export const listTags: Handler<{ name: string }> = async (ctx, route, req, reply) => {
  const name = checkName(route.name);
  const page = parsePage(queryOf(req));
  if (!ctx.index.repositoryExists(name))
    throw registryError('NAME_UNKNOWN', 'repository name not known to registry', { name });
  const tags =
    page.n === 0 ? [] : ctx.index.listTags(name, { ...page, ...(page.n !== undefined ? { n: page.n + 1 } : {}) });
  return reply.type('application/json').send({ name, tags: paginate(reply, `/v2/${name}/tags/list`, tags, page.n) });
};

export const catalog: Handler<unknown> = async (ctx, _route, req, reply) => {
  const page = parsePage(queryOf(req));
  const repos =
    page.n === 0 ? [] : ctx.index.listRepositories({ ...page, ...(page.n !== undefined ? { n: page.n + 1 } : {}) });
  return reply.type('application/json').send({ repositories: paginate(reply, '/v2/_catalog', repos, page.n) });
};

export const referrers: Handler<{ name: string; digest: string }> = async (ctx, route, req, reply) => {
  const name = checkName(route.name);
  const subject = checkDigest(route.digest);
  const artifactType = queryOf(req).artifactType;
  let records = ctx.index.referrers(name, subject);
  if (artifactType) {
    records = records.filter((r) => r.artifactType === artifactType);
    reply.header('OCI-Filters-Applied', 'artifactType');
  }
  const manifests = records.map((r) => ({
    mediaType: r.mediaType,
    digest: r.digest,
    size: r.size,
    ...(r.artifactType ? { artifactType: r.artifactType } : {}),
    ...(r.annotations ? { annotations: r.annotations } : {}),
  }));
  return reply
    .type(MEDIA_TYPES.ociIndex)
    .send(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests })));
};
