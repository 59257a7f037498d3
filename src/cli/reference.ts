// Docker image references as the docker CLI checks them before calling the daemon:
// `busybox` -> docker.io/library/busybox:latest; digests; docker's error texts.
import { CliExit } from './context.js';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);

export interface NamedReference {
  /** Fully qualified repository name: docker.io/library/busybox. */
  name: string;
  tag?: string;
  digest?: string;
}

export function parseNormalizedNamed(ref: string): NamedReference {
  const m = REFERENCE.exec(ref);
  if (!m) {
    if (/[A-Z]/.test(ref) && REFERENCE.test(ref.toLowerCase()))
      throw new Error(`invalid reference format: repository name (${remainder(ref)}) must be lowercase`);
    throw new Error('invalid reference format');
  }
  let name = m[1] as string;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (
    slash < 0 ||
    !(first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())
  ) {
    name = `docker.io/${slash < 0 ? `library/${name}` : name}`;
  }
  if (name.length > 255) throw new Error('repository name must not be more than 255 characters');
  return { name, tag: m[2], digest: m[3] };
}

/** Parses a reference the user gave, failing as docker does. */
export function parseUserReference(ref: string): NamedReference {
  try {
    return parseNormalizedNamed(ref);
  } catch (err) {
    throw new CliExit(1, `Error parsing reference: "${ref}" is not a valid repository/tag: ${(err as Error).message}`);
  }
}

/** The path part of a reference's name as docker normalises it (`Bad:x` -> `library/Bad`). */
function remainder(ref: string): string {
  const name = ref.split('@')[0]?.replace(/:[\w][\w.-]*$/, '') ?? ref;
  const slash = name.indexOf('/');
  if (slash < 0) return `library/${name}`;
  const first = name.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? name.slice(slash + 1) : name;
}
