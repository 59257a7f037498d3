// Rows of `images` as docker's image formatter makes them: one per tag (per digest with --digests),
// `<none>` for untagged, 12-character IDs unless --no-trunc.
import type { ImageSummary } from '../../client/engine-types.js';
import { contextRow } from './list.js';
import { createdSince, humanSize } from './units.js';
import { goTimeString } from './go-time.js';

export const IMAGE_HEADERS: Record<string, string> = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'VIRTUAL SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
};

/** docker's stringid.TruncateID: drop the algorithm, keep 12 characters. */
export function shortId(id: string): string {
  const hex = id.includes(':') ? id.slice(id.indexOf(':') + 1) : id;
  return hex.slice(0, 12);
}

/** The repository (without tag or digest) and the tag of a reference as the daemon lists it. */
export function splitReference(ref: string): { repo: string; tag: string; digest: string } {
  const at = ref.indexOf('@');
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const digest = at >= 0 ? ref.slice(at + 1) : '';
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  return { repo: hasTag ? named.slice(0, colon) : named, tag: hasTag ? named.slice(colon + 1) : '', digest };
}

/** docker.io/library/busybox -> busybox, as docker's FamiliarName. */
export function familiar(repo: string): string {
  let name = repo.replace(/^(docker\.io|index\.docker\.io)\//, '');
  if (name !== repo && name.startsWith('library/') && name.split('/').length === 2)
    name = name.slice('library/'.length);
  return name;
}

export const isDangling = (img: ImageSummary): boolean => {
  const tags = img.RepoTags ?? [];
  const digests = img.RepoDigests ?? [];
  return (
    (tags.length === 0 || (tags.length === 1 && tags[0] === '<none>:<none>')) &&
    (digests.length === 0 || (digests.length === 1 && digests[0] === '<none>@<none>'))
  );
};

export interface ImageRowOptions {
  truncate: boolean;
  digests: boolean;
  now?: number;
}

const sizeOrNA = (n: number | undefined): string => (n === undefined || n < 0 ? 'N/A' : humanSize(n));

function row(
  img: ImageSummary,
  repo: string,
  tag: string,
  digest: string,
  opts: ImageRowOptions,
): Record<string, unknown> {
  const size = img.Size;
  return contextRow({
    Containers: img.Containers === undefined || img.Containers < 0 ? 'N/A' : String(img.Containers),
    CreatedAt: goTimeString(img.Created),
    CreatedSince: img.Created > 0 ? createdSince(img.Created, opts.now) : 'N/A',
    Digest: digest,
    ID: opts.truncate ? shortId(img.Id) : img.Id,
    Repository: repo,
    SharedSize: sizeOrNA(img.SharedSize),
    Size: humanSize(size, 3),
    Tag: tag,
    UniqueSize: img.SharedSize === undefined || img.SharedSize < 0 ? 'N/A' : humanSize(size - img.SharedSize),
    VirtualSize: humanSize((img as ImageSummary & { VirtualSize?: number }).VirtualSize ?? size),
  });
}

export function imageRows(images: ImageSummary[], opts: ImageRowOptions): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const img of images) {
    if (isDangling(img)) {
      rows.push(row(img, '<none>', '<none>', '<none>', opts));
      continue;
    }
    const tags = new Map<string, string[]>();
    const digests = new Map<string, string[]>();
    for (const ref of img.RepoTags ?? []) {
      if (ref === '<none>:<none>') continue;
      const { repo, tag } = splitReference(ref);
      const name = familiar(repo);
      tags.set(name, [...(tags.get(name) ?? []), tag]);
    }
    for (const ref of img.RepoDigests ?? []) {
      if (ref === '<none>@<none>') continue;
      const { repo, digest } = splitReference(ref);
      const name = familiar(repo);
      digests.set(name, [...(digests.get(name) ?? []), digest]);
    }
    for (const [repo, repoTags] of tags) {
      const repoDigests = opts.digests ? (digests.get(repo) ?? []) : [];
      digests.delete(repo);
      for (const tag of repoTags) {
        if (repoDigests.length === 0) rows.push(row(img, repo, tag, '<none>', opts));
        else for (const d of repoDigests) rows.push(row(img, repo, tag, d, opts));
      }
    }
    for (const [repo, repoDigests] of digests) {
      if (opts.digests) for (const d of repoDigests) rows.push(row(img, repo, '<none>', d, opts));
      else rows.push(row(img, repo, '<none>', '', opts));
    }
  }
  return rows;
}
