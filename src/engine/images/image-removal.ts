// Removing images: `docker rmi` (untag by name, delete by ID; Docker's conflicts with containers using it and
// with names in several repositories) and `docker image prune` (dangling or all unused, by label and age). The
// image goes from the records in one step; its blobs and layers go with the next garbage collection.
import type { Digest } from '../../lib/digest.js';
import { checkFilterKeys, createdAfter, matchLabels, pruneUntilNano } from '../../core/filters/filter-args.js';
import { conflict, invalidArgument } from '../../core/errdefs.js';
import type { ImageRecord, ImageRecords } from '../../core/images/image-record.js';
import { familiarOf, isImageId, normalizeName } from '../../core/images/reference.js';
import type { ImageUser } from '../../core/images/image-usage.js';
import type { ImageDeleteItem, ImagePruneReport } from '../../spec/docker/images.js';
import type { ImageView } from './image-view.js';

export interface RemovalDeps {
  records: ImageRecords;
  find(ref: string): ImageRecord;
  usage(id: Digest): ImageUser[];
  /** Every image with its config and names. */
  views(): Promise<ImageView[]>;
  /** The image is gone from the records: drop what is cached about it. */
  forget(id: Digest): void;
  collectGarbage(): Promise<void>;
  /** An image event; `name` defaults to the image ID (dockerd's untag and delete). */
  publish(action: string, id: string, name?: string): void;
}

const IMAGE_PRUNE_FILTERS = ['dangling', 'label', 'label!', 'until'];

/** A reference normalised, or undefined when it does not parse. */
export function tryNormalize(ref: string): string | undefined {
  try {
    return normalizeName(ref);
  } catch {
    return undefined;
  }
}

export async function removeImage(
  deps: RemovalDeps,
  ref: string,
  options: { force: boolean; noprune: boolean },
): Promise<ImageDeleteItem[]> {
  const image = deps.find(ref);
  const names = deps.records.namesOf(image.id);
  const byId =
    isImageId(ref) ||
    (!names.includes(tryNormalize(ref) ?? '') && image.id.slice(7).startsWith(ref.replace(/^sha256:/, '')));
  const users = deps.usage(image.id);
  const items: ImageDeleteItem[] = [];
  const short = image.id.slice(7, 19);

  if (!byId) {
    const name = normalizeName(ref);
    // As Docker: removing a repository's last tag also drops that repository's digest references (pulls, pushes).
    const repoOf = (n: string): string => n.replace(/@.*$/, '').replace(/:[^:/]+$/, '');
    const sameRepoTags = names.filter((n) => n !== name && !n.includes('@') && repoOf(n) === repoOf(name));
    const digestRefs =
      name.includes('@') || sameRepoTags.length > 0
        ? []
        : names.filter((n) => n.includes('@') && repoOf(n) === repoOf(name));
    const untag = (): ImageDeleteItem[] =>
      [name, ...digestRefs].map((n) => {
        deps.records.untag(n);
        deps.publish('untag', image.id);
        return { Untagged: familiarOf(n) };
      });
    if (
      names.some((n) => n !== name && !digestRefs.includes(n)) ||
      (users.length > 0 && options.force && !users.some((u) => u.running))
    )
      return untag();
    if (users.length > 0) {
      const user = users[0] as ImageUser;
      throw conflict(
        `conflict: unable to remove repository reference "${ref}" (must force) - container ${user.id.slice(0, 12)} is using its referenced image ${short}`,
      );
    }
    items.push(...untag());
  } else {
    if (hasChildren(deps.records, image.id))
      throw conflict(`conflict: unable to delete ${short} (cannot be forced) - image has dependent child images`);
    const running = users.find((u) => u.running);
    if (running)
      throw conflict(
        `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${running.id.slice(0, 12)}`,
      );
    if (users.length > 0 && !options.force)
      throw conflict(
        `conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${(users[0] as { id: string }).id.slice(0, 12)}`,
      );
    if (names.length > 1 && !options.force)
      throw conflict(
        `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`,
      );
    for (const n of names) {
      deps.records.untag(n);
      deps.publish('untag', image.id);
      items.push({ Untagged: familiarOf(n) });
    }
    if (users.length > 0) return items;
  }
  // Untagged but some image's parent: kept, as an intermediate image (Docker's untag-only).
  if (!unkept(deps, image.id)) return items;
  items.push(...deleteWithParents(deps, image, !options.noprune).items);
  if (!options.noprune) await deps.collectGarbage();
  return items;
}

const hasChildren = (records: ImageRecords, id: Digest): boolean => records.list().some((r) => r.parent === id);

/** Nothing keeps the image: no name, no container, no child image. */
const unkept = (deps: RemovalDeps, id: Digest): boolean =>
  deps.records.namesOf(id).length === 0 && deps.usage(id).length === 0 && !hasChildren(deps.records, id);

/** Deletes the image's record; with `parents`, then its parent's, and so on, while nothing else keeps them (Docker's
 * prune of the parent chain after a removal). */
function deleteWithParents(
  deps: RemovalDeps,
  image: ImageRecord,
  parents: boolean,
): { items: ImageDeleteItem[]; size: number } {
  const items: ImageDeleteItem[] = [];
  let size = 0;
  for (let current: ImageRecord | undefined = image; current;) {
    deps.records.delete(current.id);
    deps.forget(current.id);
    items.push({ Deleted: current.id });
    size += current.size;
    deps.publish('delete', current.id);
    const parent: ImageRecord | undefined = current.parent ? deps.records.get(current.parent) : undefined;
    current = parents && parent && unkept(deps, parent.id) ? parent : undefined;
  }
  return { items, size };
}

/** How far down a parent chain an image is: children are pruned before their parents. */
function depth(records: ImageRecords, record: ImageRecord): number {
  let n = 0;
  for (let p = record.parent; p && n < 10_000; p = records.get(p)?.parent) n++;
  return n;
}

export async function pruneImages(deps: RemovalDeps, filters: Map<string, string[]>): Promise<ImagePruneReport> {
  checkFilterKeys(filters, IMAGE_PRUNE_FILTERS);
  const danglingOnly = pruneDanglingOnly(filters);
  const until = pruneUntilNano(filters);
  const deleted: ImageDeleteItem[] = [];
  let reclaimed = 0;
  const views = (await deps.views()).sort((a, b) => depth(deps.records, b.record) - depth(deps.records, a.record));
  for (const view of views) {
    if (!deps.records.get(view.record.id)) continue; // taken along with a child already
    if (danglingOnly && view.names.length > 0) continue;
    if (deps.usage(view.record.id).length > 0) continue;
    if (createdAfter(view.record.created, until)) continue;
    if (view.config.config && !matchLabels(filters, view.config.config.Labels)) continue;
    // Some image's parent: dangling prune leaves it; `-a` untags it, and it goes with its last child, as Docker.
    if (hasChildren(deps.records, view.record.id) && danglingOnly) continue;
    for (const n of view.names) {
      deps.records.untag(n);
      deleted.push({ Untagged: familiarOf(n) });
    }
    if (!unkept(deps, view.record.id)) continue;
    const gone = deleteWithParents(deps, view.record, true);
    deleted.push(...gone.items);
    reclaimed += gone.size;
  }
  if (deleted.length > 0) await deps.collectGarbage();
  return { ImagesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
}

/** Prune's `dangling`: true (the default) or false; anything else refused as Docker does. */
function pruneDanglingOnly(filters: Map<string, string[]>): boolean {
  const values = filters.get('dangling') ?? [];
  if (values.length === 0) return true;
  if (values.includes('false') || values.includes('0')) return false;
  if (values.includes('true') || values.includes('1')) return true;
  throw invalidArgument(`invalid filter 'dangling=${values.join(',')}'`);
}
