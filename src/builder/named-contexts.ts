// Named build contexts (BuildKit's `--build-context NAME=…`): a name that FROM, COPY --from and RUN --mount from=
// may use, standing for an image or for a directory the client sent. A name is looked up before stages and
// images, as BuildKit's frontend lets a named context replace a stage or an image of that name.
import { familiarName, parseReference } from '../core/images/reference.js';
import type { SourceRoot } from './copy-sources.js';

export type NamedContext =
  /** `docker-image://REF`: the image REF wherever the name is used. */
  | { kind: 'image'; ref: string }
  /** A directory already received (BuildKit's `local:NAME`), read-only for the build. */
  | { kind: 'dir'; root: string; digests?: ReadonlyMap<string, string> };

/**
 * The key a reference is looked up under, as BuildKit's dockerui normalises it: the familiar form without a
 * `:latest` tag (`docker.io/library/alpine:latest` and `alpine` are both `alpine`). Undefined for what is not a
 * valid reference (an image ID, a stage index), which no named context can stand for.
 */
export function namedContextKey(ref: string): string | undefined {
  try {
    return familiarName(parseReference(ref)).replace(/:latest$/, '');
  } catch {
    return undefined;
  }
}

export function findNamedContext(
  named: ReadonlyMap<string, NamedContext> | undefined,
  ref: string,
): NamedContext | undefined {
  if (!named || named.size === 0) return undefined;
  const key = namedContextKey(ref);
  return key === undefined ? undefined : named.get(key);
}

/** A directory context as a COPY / bind source: files are read from it, never written. */
export const namedDirSource = (c: Extract<NamedContext, { kind: 'dir' }>): SourceRoot => ({
  root: c.root,
  isContext: false,
  ...(c.digests ? { digests: c.digests } : {}),
});
