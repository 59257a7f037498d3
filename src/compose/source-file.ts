// One compose file parsed with the `yaml` package, keeping its nodes so that any value can be traced back to the
// line and column where it is written (for errors that name the file, the line and the key).
import { isAlias, isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ComposeError } from './errors.js';
import type { KeyPath } from './interpolate.js';

export interface SourceFile {
  /** The path as given (absolute once loaded). */
  path: string;
  /** The plain data (anchors, aliases and `<<` merges resolved). */
  data: Record<string, unknown>;
  /** `file:line:col` of the key (or item) at `path`, or of the nearest enclosing one that exists. */
  where(path: KeyPath): string;
}

/** Parses a compose file's text; YAML errors and YAML tags Compose defines but berth does not yet honour are refused. */
export function parseSourceFile(path: string, text: string): SourceFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): string => {
    const pos = lines.linePos(offset);
    return `${path}:${pos.line}:${pos.col}`;
  };
  const [error] = doc.errors;
  if (error) throw new ComposeError(`${at(error.pos[0])}: invalid YAML: ${firstLine(error.message)}`);
  for (const warning of doc.warnings) {
    const tag = /Unresolved tag: (\S+)/.exec(warning.message)?.[1];
    if (tag) throw new ComposeError(`${at(warning.pos[0])}: the YAML tag ${tag} is not supported by berth compose yet`);
  }
  const data: unknown = doc.toJS({ maxAliasCount: 10_000 });
  if (data === null || data === undefined) throw new ComposeError(`${path}: empty compose file`);
  if (typeof data !== 'object' || Array.isArray(data))
    throw new ComposeError(`${at(0)}: top-level object must be a mapping`);
  return { path, data: data as Record<string, unknown>, where: (keys) => at(offsetOf(doc, keys)) };
}

const firstLine = (message: string): string => message.split('\n')[0] as string;

/** The source offset of the key at `keys` (its key node), or of the deepest ancestor found. */
function offsetOf(doc: Document, keys: KeyPath): number {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const key of keys) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === String(key));
      if (!pair) return offset;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else return offset;
  }
  return offset;
}
