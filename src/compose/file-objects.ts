// Secrets and configs without a swarm, as Docker Compose v2 gives them on a plain engine: a file source is bind
// mounted read-only at its target; an environment (or inline `content`) source is written into the container as a
// file (a tar put at `/` after the create, before the start). Secrets default to /run/secrets/<name> (mode 0400 when
// written), configs to /<name> (0444).
import { ComposeError } from './errors.js';
import type { Lookup } from './interpolate.js';
import type { FileMount, FileObject } from './model.js';
import { scalarText, tree } from './syntax.js';
import { hostPath } from './volume-syntax.js';

export type FileObjectKind = 'secrets' | 'configs';

/** The top-level `secrets` or `configs`, their sources read now (an unset environment variable is an error). */
export function normaliseFileObjects(
  kind: FileObjectKind,
  raw: unknown,
  workingDir: string,
  lookup: Lookup,
): Record<string, FileObject> {
  const out: Record<string, FileObject> = {};
  for (const [key, value] of Object.entries(tree(raw))) {
    const o = tree(value);
    const name = typeof o.name === 'string' ? o.name : key;
    if (typeof o.file === 'string') out[key] = { name, file: hostPath(o.file, workingDir) };
    else if (typeof o.environment === 'string') {
      const text = lookup(o.environment);
      if (text === undefined)
        throw new ComposeError(`environment variable "${o.environment}" required by ${kind} "${key}" is not set`);
      out[key] = { name, content: text };
    } else if (typeof o.content === 'string') out[key] = { name, content: o.content };
    else throw new ComposeError(`${kind}.${key}: needs a file, environment or content source`);
  }
  return out;
}

/** `mode: 0440` is octal as people write it, though YAML 1.2 reads it as the integer 440: digits 0-7 only are taken
 * as octal; a number with an 8 or 9 in it (288) as the decimal it is. */
function modeOf(value: unknown): number {
  const text = scalarText(value);
  return /^0?[0-7]+$/.test(text) ? parseInt(text, 8) : Number(text);
}

/** A service's `secrets` or `configs` (names or long syntax) with their targets made absolute. */
export function serviceFileMounts(kind: FileObjectKind, raw: unknown): FileMount[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((entry: unknown) => {
    const e = typeof entry === 'string' ? { source: entry } : tree(entry);
    const source = scalarText(e.source);
    const given = typeof e.target === 'string' ? e.target : undefined;
    const target =
      kind === 'secrets'
        ? given?.startsWith('/')
          ? given
          : `/run/secrets/${given ?? source}`
        : given?.startsWith('/')
          ? given
          : `/${given ?? source}`;
    return {
      source,
      target,
      ...(e.uid !== undefined ? { uid: scalarText(e.uid) } : {}),
      ...(e.gid !== undefined ? { gid: scalarText(e.gid) } : {}),
      ...(e.mode !== undefined ? { mode: modeOf(e.mode) } : {}),
    };
  });
}

/** A file the CLI writes into the container before its start. */
export interface InjectedFile {
  path: string;
  content: string;
  mode: number;
  uid: number;
  gid: number;
}

/** What a service's secrets and configs become: read-only binds of file sources, files to write for the others. */
export function fileMountsOf(
  secrets: FileMount[],
  configs: FileMount[],
  objects: { secrets: Record<string, FileObject>; configs: Record<string, FileObject> },
): { binds: { source: string; target: string }[]; files: InjectedFile[] } {
  const binds: { source: string; target: string }[] = [];
  const files: InjectedFile[] = [];
  const each = (mounts: FileMount[], kind: FileObjectKind, mode: number): void => {
    for (const m of mounts) {
      const o = objects[kind][m.source];
      if (!o) throw new ComposeError(`${kind} ${m.source}: undefined ${kind.slice(0, -1)}`);
      if ('file' in o) binds.push({ source: o.file, target: m.target });
      else
        files.push({
          path: m.target,
          content: o.content,
          mode: m.mode ?? mode,
          uid: Number(m.uid ?? 0),
          gid: Number(m.gid ?? 0),
        });
    }
  };
  each(secrets, 'secrets', 0o400);
  each(configs, 'configs', 0o444);
  return { binds, files };
}
