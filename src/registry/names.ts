// Repository names, tags, digests and pagination as the distribution spec writes them.
import { isDigest, type Digest } from '../lib/digest.js';
import { registryError } from './errors.js';

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** Any algorithm the image spec allows; only sha256 is stored. */
const ANY_DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export const MAX_NAME_LENGTH = 255;

export function checkName(name: string): string {
  if (name.length > MAX_NAME_LENGTH || !NAME_RE.test(name))
    throw registryError('NAME_INVALID', 'invalid repository name', { name });
  return name;
}

export const isTag = (s: string): boolean => TAG_RE.test(s);

/** A digest from a URL or query; DIGEST_INVALID when malformed or of an algorithm this registry does not store. */
export function checkDigest(s: string | undefined): Digest {
  if (s === undefined || !ANY_DIGEST_RE.test(s))
    throw registryError('DIGEST_INVALID', 'provided digest did not match uploaded content', { digest: s ?? null });
  if (!isDigest(s)) throw registryError('DIGEST_INVALID', 'unsupported digest algorithm', { digest: s });
  return s;
}

/** A manifest reference: a tag or a digest. */
export function parseReference(ref: string): { tag: string } | { digest: Digest } {
  if (ref.includes(':')) return { digest: checkDigest(ref) };
  if (!isTag(ref)) throw registryError('TAG_INVALID', 'manifest tag did not match URI', { tag: ref }, 400);
  return { tag: ref };
}

/** `n` and `last` of the tag list and catalog. */
export function parsePage(query: Record<string, string | undefined>): { n?: number; last?: string } {
  const page: { n?: number; last?: string } = {};
  if (query.n !== undefined && query.n !== '') {
    if (!/^\d+$/.test(query.n))
      throw registryError('PAGINATION_NUMBER_INVALID', 'invalid number of results requested', { n: query.n });
    page.n = Math.min(Number(query.n), 10000);
  }
  if (query.last) page.last = query.last;
  return page;
}
