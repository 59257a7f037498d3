// Small value syntaxes of compose files: Go durations, byte sizes, shell words of string commands, and the
// list-or-mapping form of environment, labels and the like.
import { ComposeError } from './errors.js';

/** A YAML mapping as the parser gives it. */
export type Tree = Record<string, unknown>;
export const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The mapping, or an empty one for anything else (absent keys, lists, scalars). */
export const tree = (v: unknown): Tree => (isTree(v) ? v : {});

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration (`1m30s`, `500ms`, `10s`) in nanoseconds. */
export function parseDuration(text: string | number, where: string): number {
  if (typeof text === 'number') return text * 1e9;
  if (text === '0') return 0;
  // µ written as an escape: the CLI's bundle stays ASCII, which V8 keeps as a one-byte string (half the bytes).
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)
    throw new ComposeError(`${where}: invalid duration "${text}"`);
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_NS[p[2] as string] as number), 0));
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

/** A byte size (`64m`, `1g`, 1024). */
export function parseBytes(text: string | number, where: string): number {
  if (typeof text === 'number') return text;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase() || 'b'];
  if (!m || unit === undefined) throw new ComposeError(`${where}: invalid size "${text}"`);
  return Math.round(Number(m[1]) * unit);
}

/** A command written as one string, split into words as a POSIX shell would (quotes and backslashes). */
export function shellWords(text: string, where: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new ComposeError(`${where}: unterminated quote in "${text}"`);
  if (inWord) words.push(word);
  return words;
}

/** A command or entrypoint: a list as is, a string split into words; null means "not set". */
export function commandOf(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return shellWords(value, where);
  return (value as unknown[]).map(String);
}

/**
 * `KEY=VALUE` lists and mappings as one mapping. A list item without `=` (and a mapping key whose value is null) is
 * given `bare(key)`: environment takes it from the shell's environment, labels make it empty.
 */
export function listOrDict(value: unknown, bare: (key: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: string, v: string | undefined): void => {
    if (v !== undefined) out[key] = v;
  };
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      const text = String(item);
      const eq = text.indexOf('=');
      if (eq < 0) put(text, bare(text));
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) put(k, v === null || v === undefined ? bare(k) : scalarText(v));
  }
  return out;
}

/** A YAML scalar as the string Compose sees (booleans and numbers as written). */
export function scalarText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
