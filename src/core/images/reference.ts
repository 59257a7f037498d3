// Image references parsed and normalised as Docker's distribution/reference does:
// `busybox` = `docker.io/library/busybox:latest`; familiar names strip the default domain and `library/`.
import { invalidArgument } from '../errdefs.js';

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';

export interface ImageReference {
  domain: string;
  /** Path within the domain, e.g. "library/busybox". */
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$|^\[[a-fA-F0-9:]+\](?::[0-9]+)?$/;

const invalid = (): Error => invalidArgument('invalid reference format');

/** True when `s` is a full image ID, with or without `sha256:`. */
export const isImageId = (s: string): boolean => /^(sha256:)?[a-f0-9]{64}$/.test(s);

export function parseReference(input: string): ImageReference {
  if (input === '' || input.length > 255 + 72) throw invalid();
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalidArgument('invalid reference format');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid();
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (
    slash >= 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())
  ) {
    if (!DOMAIN.test(first)) throw invalid();
    domain = first === 'index.docker.io' ? DEFAULT_DOMAIN : first;
    path = rest.slice(slash + 1);
  }
  if (path === '') throw invalid();
  if (path !== path.toLowerCase())
    throw invalidArgument(`invalid reference format: repository name (${path}) must be lowercase`);
  for (const component of path.split('/')) if (!COMPONENT.test(component)) throw invalid();
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if ((domain + path).length > 255)
    throw invalidArgument('invalid reference format: repository name must not be more than 255 characters');
  return { domain, path, tag, digest };
}

/** Adds `:latest` when there is neither a tag nor a digest. */
export function withDefaultTag(ref: ImageReference): ImageReference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

export const repositoryName = (ref: ImageReference): string => `${ref.domain}/${ref.path}`;

/** The fully qualified form, e.g. docker.io/library/busybox:latest. */
export function fullName(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The familiar repository, e.g. busybox or myregistry:5000/team/app. */
export function familiarRepository(ref: ImageReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  return ref.path.startsWith('library/') && ref.path.split('/').length === 2
    ? ref.path.slice('library/'.length)
    : ref.path;
}

export function familiarName(ref: ImageReference): string {
  return `${familiarRepository(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** Normalises a user's reference to the stored full name with a default tag ("busybox" -> "docker.io/library/busybox:latest"). */
export const normalizeName = (input: string): string => fullName(withDefaultTag(parseReference(input)));

/** The familiar form of a stored full name. */
export const familiarOf = (stored: string): string => familiarName(parseReference(stored));

/**
 * The stored name for `repo` with `tag` (or repo's own tag, or latest), checked whole before anything is written:
 * `tag=../..` is refused here rather than stored and found unreadable later.
 */
export function taggedName(repo: string, tag: string | undefined): string {
  const parsed = parseReference(repo);
  if (tag && !TAG.test(tag)) throw invalidArgument('invalid tag format');
  return normalizeName(fullName({ ...parsed, tag: tag || parsed.tag }));
}

/** False for a name that does not parse (one stored before names were checked): skipped, not fatal, when read. */
export function isValidName(stored: string): boolean {
  try {
    parseReference(stored);
    return true;
  } catch {
    return false;
  }
}
