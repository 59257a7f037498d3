// Interpolation as the Compose Specification defines it: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
// `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}`, nested in defaults, and `$$` for a
// literal `$`. Applied to values only (keys stay as written), per file, before merging.
import { ComposeError } from './errors.js';

/** Reads a variable: undefined when unset. */
export type Lookup = (name: string) => string | undefined;

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/** Where a value sits, for messages: `services.web.image`. */
export type KeyPath = readonly (string | number)[];

export interface InterpolationOptions {
  /** Called once per variable that is unset and has no default (Compose warns and uses ""). */
  onUnset?: (name: string) => void;
}

/** Interpolates one string; `where` names the value in errors. */
export function interpolateString(
  text: string,
  lookup: Lookup,
  where: string,
  opts: InterpolationOptions = {},
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw new ComposeError(`invalid interpolation format for ${where}: "${text}"`);
      out += braced(text.slice(i + 2, end), lookup, where, text, opts);
      i = end + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (name) {
      out += valueOf(name, lookup, opts);
      i += 1 + name.length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** The index of the `}` closing a `${` whose body starts at `from`, counting nested `${...}`. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function valueOf(name: string, lookup: Lookup, opts: InterpolationOptions): string {
  const value = lookup(name);
  if (value === undefined) {
    opts.onUnset?.(name);
    return '';
  }
  return value;
}

function braced(body: string, lookup: Lookup, where: string, whole: string, opts: InterpolationOptions): string {
  const name = NAME.exec(body)?.[0];
  if (!name) throw new ComposeError(`invalid interpolation format for ${where}: "${whole}"`);
  const rest = body.slice(name.length);
  if (rest === '') return valueOf(name, lookup, opts);
  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[1];
  if (!op) throw new ComposeError(`invalid interpolation format for ${where}: "${whole}"`);
  const arg = (): string => interpolateString(rest.slice(op.length), lookup, where, opts);
  const value = lookup(name);
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  switch (op) {
    case ':-':
      return nonEmpty ? value : arg();
    case '-':
      return set ? value : arg();
    case ':?':
      if (!nonEmpty) throw new ComposeError(`required variable ${name} is missing a value: ${arg()}`);
      return value;
    case '?':
      if (!set) throw new ComposeError(`required variable ${name} is missing a value: ${arg()}`);
      return value;
    case ':+':
      return nonEmpty ? arg() : '';
    default:
      return set ? arg() : '';
  }
}

/** Interpolates every string value of a parsed YAML tree (keys are left alone). */
export function interpolateTree(
  value: unknown,
  lookup: Lookup,
  path: KeyPath = [],
  opts: InterpolationOptions = {},
): unknown {
  if (typeof value === 'string') return interpolateString(value, lookup, path.join('.') || '(root)', opts);
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, lookup, [...path, i], opts));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateTree(v, lookup, [...path, k], opts);
    return out;
  }
  return value;
}
